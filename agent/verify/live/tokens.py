"""Bearer tokens as the service expects them (HS256 JWT), and the broken ones it must refuse."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(sub: str, secret: str, *, lifetime_s: int = 900, alg: str = "HS256") -> str:
    """A JWT for `sub`; `alg="none"` gives an unsigned one, a negative lifetime an expired one."""
    now = int(time.time())
    header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    claims = _b64(json.dumps({"sub": sub, "iat": now, "exp": now + lifetime_s}).encode())
    signing = f"{header}.{claims}"
    if alg == "none":
        return f"{signing}."
    signature = hmac.new(secret.encode(), signing.encode(), hashlib.sha256).digest()
    return f"{signing}.{_b64(signature)}"


def refused(sub: str, secret: str) -> list[tuple[str, str, dict[str, str]]]:
    """(name, CWE, headers) of every token an auth-required endpoint must answer 401 to."""
    other = "x" * 40 if secret != "x" * 40 else "y" * 40

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    return [
        ("missing token", "CWE-306", {}),
        ("malformed token", "CWE-287", bearer("not-a-jwt")),
        ("expired token", "CWE-613", bearer(jwt(sub, secret, lifetime_s=-60))),
        ("wrongly-signed token", "CWE-347", bearer(jwt(sub, other))),
        ("alg=none token", "CWE-347", bearer(jwt(sub, secret, alg="none"))),
    ]
