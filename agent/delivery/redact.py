"""Keep secrets out of messages: drop them from any text that may reach a log or an error."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import SecretStr

_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@")


def strip_userinfo(url: str) -> str:
    """`https://user:token@host/x` -> `https://***@host/x`; other text is left alone."""
    return _USERINFO.sub(r"\g<scheme>***@", url)


def redact(text: str, secrets: Iterable[SecretStr | str | None]) -> str:
    """`text` with every secret value and every URL's user:password part replaced by `***`."""
    for secret in secrets:
        value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        if value:
            text = text.replace(value, "***")
    return strip_userinfo(text)
