"""Every use of the ``webauthn`` package, behind four small functions.

The rest of the app deals in plain values (bytes, dicts of JSON, Structs);
this module turns them into py_webauthn's calls and its many exceptions into
one :class:`PasskeyError`.
"""

from __future__ import annotations

import binascii
from typing import Any

import msgspec
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from outings.settings import Settings

TIMEOUT_MS = 5 * 60 * 1000
# What untrusted, malformed credential JSON can make py_webauthn raise.
_BAD_INPUT = (WebAuthnException, ValueError, TypeError, KeyError, IndexError, binascii.Error)


class PasskeyError(Exception):
    """The credential did not verify; ``reason`` is for logs, not for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NewPasskey(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    public_key: bytes
    sign_count: int
    transports: list[str]
    device_type: str
    backed_up: bool
    aaguid: str


class Assertion(msgspec.Struct, frozen=True, kw_only=True):
    """A sign-in answer, read but not yet verified."""

    credential_id: str
    user_handle: bytes | None
    raw: Any


class VerifiedUse(msgspec.Struct, frozen=True, kw_only=True):
    sign_count: int
    backed_up: bool


def registration_options(
    settings: Settings,
    *,
    user_handle: bytes,
    display_name: str,
    exclude: list[str],
) -> tuple[bytes, dict[str, Any]]:
    """Creation options for a discoverable passkey: the challenge and the JSON to send."""
    options = generate_registration_options(
        rp_id=settings.rp_id,
        rp_name=settings.rp_name,
        user_id=user_handle,
        user_name=display_name,
        user_display_name=display_name,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            # resident keys make usernameless sign-in possible
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(cid)) for cid in exclude
        ],
    )
    return options.challenge, msgspec.json.decode(options_to_json(options))


def authentication_options(settings: Settings) -> tuple[bytes, dict[str, Any]]:
    """Request options with no allowed credentials: the browser offers any passkey it holds."""
    options = generate_authentication_options(
        rp_id=settings.rp_id,
        timeout=TIMEOUT_MS,
        allow_credentials=[],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options.challenge, msgspec.json.decode(options_to_json(options))


def verify_registration(settings: Settings, credential: Any, challenge: bytes) -> NewPasskey:
    try:
        parsed = parse_registration_credential_json(credential)
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=settings.rp_id,
            expected_origin=settings.origin,
            require_user_verification=False,
        )
    except _BAD_INPUT as exc:
        raise PasskeyError(f"registration: {exc}") from exc
    transports = parsed.response.transports or []
    return NewPasskey(
        id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[
            t.value if isinstance(t, AuthenticatorTransport) else str(t) for t in transports
        ],
        device_type=verified.credential_device_type.value,
        backed_up=verified.credential_backed_up,
        aaguid=verified.aaguid,
    )


def read_assertion(credential: Any) -> Assertion:
    """Read a sign-in answer enough to find its passkey, before verifying it."""
    try:
        parsed = parse_authentication_credential_json(credential)
    except _BAD_INPUT as exc:
        raise PasskeyError(f"authentication: {exc}") from exc
    return Assertion(
        credential_id=bytes_to_base64url(parsed.raw_id),
        user_handle=parsed.response.user_handle,
        raw=parsed,
    )


def verify_assertion(
    settings: Settings,
    assertion: Assertion,
    *,
    challenge: bytes,
    public_key: bytes,
    sign_count: int,
) -> VerifiedUse:
    try:
        verified = verify_authentication_response(
            credential=assertion.raw,
            expected_challenge=challenge,
            expected_rp_id=settings.rp_id,
            expected_origin=settings.origin,
            credential_public_key=public_key,
            credential_current_sign_count=sign_count,
            require_user_verification=False,
        )
    except _BAD_INPUT as exc:
        raise PasskeyError(f"authentication: {exc}") from exc
    return VerifiedUse(sign_count=verified.new_sign_count, backed_up=verified.credential_backed_up)
