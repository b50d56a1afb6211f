"""A software WebAuthn authenticator for HTTP-level tests.

It plays both the browser (clientDataJSON, ``toJSON()`` shapes) and a platform
authenticator (P-256 keys, attestation format "none"), so registration and
sign-in can be driven end to end without a real browser or security key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

__all__ = ["SoftAuthenticator", "SoftCredential", "b64url", "b64url_decode"]

# Authenticator data flag bits (WebAuthn §6.1).
_FLAG_UP = 0x01
_FLAG_UV = 0x04
_FLAG_AT = 0x40

_COSE_ALG_ES256 = -7
# A software authenticator has no certified model, so it reports the all-zero AAGUID.
_AAGUID = bytes(16)


def b64url(data: bytes) -> str:
    """Encode bytes as unpadded base64url, as WebAuthn JSON does."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(s: str) -> bytes:
    """Decode base64url, with or without padding."""
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


@dataclass
class SoftCredential:
    """One credential held by the authenticator."""

    credential_id: bytes
    private_key: ec.EllipticCurvePrivateKey  # P-256
    rp_id: str
    user_handle: bytes
    sign_count: int = 0


def _cose_public_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    """CBOR-encode the public half as a COSE EC2 / ES256 key."""
    numbers = key.public_key().public_numbers()
    return cbor2.dumps(
        {
            1: 2,  # kty: EC2
            3: _COSE_ALG_ES256,  # alg: ES256
            -1: 1,  # crv: P-256
            -2: numbers.x.to_bytes(32, "big"),
            -3: numbers.y.to_bytes(32, "big"),
        }
    )


def _client_data_json(kind: str, challenge: bytes, origin: str) -> bytes:
    """Build clientDataJSON the way a browser serialises it."""
    return json.dumps(
        {
            "type": kind,
            "challenge": b64url(challenge),
            "origin": origin,
            "crossOrigin": False,
        },
        separators=(",", ":"),
    ).encode("utf-8")


class SoftAuthenticator:
    """A platform authenticator plus the browser glue around it."""

    origin: str
    rp_id: str
    credentials: list[SoftCredential]

    def __init__(self, *, origin: str, rp_id: str | None = None) -> None:
        self.origin = origin
        hostname = urlsplit(origin).hostname
        if rp_id is None and not hostname:
            raise ValueError(f"cannot derive an RP ID from origin {origin!r}")
        # Browsers default the RP ID to the origin's effective domain.
        self.rp_id = rp_id if rp_id is not None else str(hostname)
        self.credentials = []

    @staticmethod
    def _flags(*, user_verified: bool, attested: bool = False) -> int:
        # User presence is always asserted: tests model a user who touched the sensor.
        flags = _FLAG_UP
        if user_verified:
            flags |= _FLAG_UV
        if attested:
            flags |= _FLAG_AT
        return flags

    def create(
        self,
        options: dict[str, Any],
        *,
        origin: str | None = None,
        user_verified: bool = True,
        challenge: bytes | None = None,
    ) -> dict[str, Any]:
        """Answer ``navigator.credentials.create()``; return RegistrationResponseJSON."""
        rp_id: str = options.get("rp", {}).get("id") or self.rp_id
        params = options.get("pubKeyCredParams")
        # Only ES256 is implemented; fail loudly rather than return something unverifiable.
        if params and not any(p.get("alg") == _COSE_ALG_ES256 for p in params):
            raise ValueError("relying party does not accept ES256 (-7)")

        held = {c.credential_id for c in self.credentials if c.rp_id == rp_id}
        for desc in options.get("excludeCredentials") or []:
            if b64url_decode(desc["id"]) in held:
                # A browser reports InvalidStateError here; tests see it as ValueError.
                raise ValueError("authenticator already holds an excluded credential")

        key = ec.generate_private_key(ec.SECP256R1())
        cred = SoftCredential(
            credential_id=os.urandom(32),
            private_key=key,
            rp_id=rp_id,
            user_handle=b64url_decode(options["user"]["id"]),
        )

        cose_key = _cose_public_key(key)
        auth_data = (
            hashlib.sha256(rp_id.encode("utf-8")).digest()
            + bytes([self._flags(user_verified=user_verified, attested=True)])
            + cred.sign_count.to_bytes(4, "big")
            + _AAGUID
            + len(cred.credential_id).to_bytes(2, "big")
            + cred.credential_id
            + cose_key
        )
        attestation_object = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = _client_data_json(
            "webauthn.create",
            challenge if challenge is not None else b64url_decode(options["challenge"]),
            origin if origin is not None else self.origin,
        )

        # Store only after everything above succeeded, so a failed call leaves no trace.
        self.credentials.append(cred)
        cred_id = b64url(cred.credential_id)
        return {
            "id": cred_id,
            "rawId": cred_id,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation_object),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def _pick_credential(
        self, options: dict[str, Any], rp_id: str, credential: SoftCredential | None
    ) -> SoftCredential:
        """Choose the credential a browser would use for these request options."""
        allowed = [b64url_decode(d["id"]) for d in options.get("allowCredentials") or []]
        if allowed:
            if credential is not None:
                if credential.credential_id not in allowed:
                    raise ValueError("given credential is not in allowCredentials")
                return credential
            for cred in reversed(self.credentials):
                if cred.rp_id == rp_id and cred.credential_id in allowed:
                    return cred
            # A browser reports NotAllowedError here; tests see it as ValueError.
            raise ValueError("no held credential matches allowCredentials")
        if credential is not None:
            return credential
        # Discoverable flow: the user would pick an account; the newest one stands in.
        for cred in reversed(self.credentials):
            if cred.rp_id == rp_id:
                return cred
        raise ValueError(f"no credential held for RP ID {rp_id!r}")

    def get(
        self,
        options: dict[str, Any],
        *,
        origin: str | None = None,
        credential: SoftCredential | None = None,
        challenge: bytes | None = None,
        user_verified: bool = True,
    ) -> dict[str, Any]:
        """Answer ``navigator.credentials.get()``; return AuthenticationResponseJSON."""
        rp_id: str = options.get("rpId") or self.rp_id
        cred = self._pick_credential(options, rp_id, credential)

        cred.sign_count += 1
        auth_data = (
            hashlib.sha256(cred.rp_id.encode("utf-8")).digest()
            + bytes([self._flags(user_verified=user_verified)])
            + cred.sign_count.to_bytes(4, "big")
        )
        client_data = _client_data_json(
            "webauthn.get",
            challenge if challenge is not None else b64url_decode(options["challenge"]),
            origin if origin is not None else self.origin,
        )
        signature = cred.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )

        cred_id = b64url(cred.credential_id)
        return {
            "id": cred_id,
            "rawId": cred_id,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(cred.user_handle),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }
