"""GitHub's `X-Hub-Signature-256`: HMAC-SHA256 of the raw body under the webhook secret."""

from __future__ import annotations

import hashlib
import hmac

from pydantic import SecretStr

PREFIX = "sha256="


def sign(secret: SecretStr, body: bytes) -> str:
    """The header value GitHub sends for `body` (tests sign their deliveries with it)."""
    digest = hmac.new(secret.get_secret_value().encode(), body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def signature_matches(secret: SecretStr, body: bytes, header: str) -> bool:
    """Whether `header` is the signature of `body`, compared in constant time."""
    return hmac.compare_digest(sign(secret, body).encode(), header.strip().encode())
