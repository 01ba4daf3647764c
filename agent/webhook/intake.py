"""The gate every delivery passes before anything reads it: a configured secret, a valid
signature, the headers GitHub always sends, and a JSON body.

Refusals: 503 when no secret is configured (the service is not ready to accept anything:
fail closed), 401 for a missing or wrong signature, 400 for missing headers or a body
that is not JSON, 415 for a webhook set to `application/x-www-form-urlencoded`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from agent.webhook.answers import Answer, refused
from agent.webhook.signature import signature_matches


@dataclass(frozen=True)
class Delivery:
    """An authentic delivery: its event name, id and parsed payload."""

    event: str
    id: str
    payload: Any


def admit(secret: SecretStr | None, headers: Mapping[str, str], body: bytes) -> Delivery | Answer:
    """The delivery, or the refusal to answer with."""
    refusal = _authenticate(secret, headers, body)
    if refusal is not None:
        return refusal
    event, delivery = headers.get("x-github-event"), headers.get("x-github-delivery")
    if not event or not delivery:
        return refused(400, "malformed", "missing X-GitHub-Event or X-GitHub-Delivery")
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        reason = "set the webhook's content type to application/json"
        return refused(415, "malformed", reason)
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return refused(400, "malformed", f"the body is not JSON ({exc})")
    return Delivery(event, delivery, payload)


def _authenticate(
    secret: SecretStr | None, headers: Mapping[str, str], body: bytes
) -> Answer | None:
    """The refusal, or None when the body is signed with the configured secret."""
    if secret is None or not secret.get_secret_value():
        reason = "no webhook secret is configured (GITHUB_WEBHOOK_SECRET)"
        return refused(503, "unconfigured", reason)
    signature = headers.get("x-hub-signature-256")
    if not signature:
        return refused(401, "unauthenticated", "missing X-Hub-Signature-256")
    if not signature_matches(secret, body, signature):
        return refused(401, "unauthenticated", "X-Hub-Signature-256 does not match the body")
    return None
