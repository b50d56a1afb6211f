"""The server's VAPID key (RFC 8292): from ``OUTINGS_VAPID_PRIVATE_KEY``, or
made on first start and kept in the database, so every app process on one
database signs with the same key and browsers' subscriptions stay valid."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from outings.db import Database
from outings.db.database import Writer
from outings.settings import Settings, SettingsError

META_KEY = "vapid_private_key"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class VapidKey:
    """A P-256 key pair: signs the ``Authorization`` header of each push, and its
    public half is the ``applicationServerKey`` a browser subscribes with."""

    def __init__(self, vapid: Vapid02) -> None:
        self.vapid = vapid

    @classmethod
    def parse(cls, text: str) -> VapidKey:
        """A key as PEM, or as base64url of the raw 32-byte scalar or of DER."""
        text = text.strip()
        try:
            if text.startswith("-----BEGIN"):
                key = serialization.load_pem_private_key(text.encode(), password=None)
                if not isinstance(key, ec.EllipticCurvePrivateKey):
                    raise ValueError("not an EC key")
                return cls(Vapid02(key))
            return cls(Vapid02.from_string(text))
        except Exception as exc:
            raise SettingsError(
                "OUTINGS_VAPID_PRIVATE_KEY is not a P-256 private key (PEM or base64url)"
            ) from exc

    @classmethod
    def generate(cls) -> VapidKey:
        return cls(Vapid02(ec.generate_private_key(ec.SECP256R1())))

    @property
    def private_b64(self) -> str:
        """The raw private scalar, base64url: how it is kept in the database."""
        value: int = self.vapid.private_key.private_numbers().private_value
        return b64url(value.to_bytes(32, "big"))

    @property
    def public_b64(self) -> str:
        """The uncompressed public point, base64url: ``applicationServerKey``."""
        raw: bytes = self.vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(raw)


async def load(db: Database, settings: Settings) -> VapidKey:
    if settings.vapid_private_key:
        return VapidKey.parse(settings.vapid_private_key)

    kept = await db.fetchval("select value from meta where key = ?", (META_KEY,))
    if kept:
        return VapidKey.parse(str(kept))

    async def run(w: Writer) -> str:
        # Two processes starting together: the first insert wins, both read it.
        await w.execute(
            "insert into meta (key, value) values (?, ?) on conflict (key) do nothing",
            (META_KEY, VapidKey.generate().private_b64),
        )
        value: str = await w.fetchval("select value from meta where key = ?", (META_KEY,))
        return value

    return VapidKey.parse(await db.write(run))
