"""`build_model(spec, keys=...)`: the one place a model string becomes a ChatModel.

    anthropic:<model>          anthropic SDK, Messages API    ANTHROPIC_API_KEY
    openai:<model>             openai SDK, Responses API      OPENAI_API_KEY
    openai-compatible:<model>  Chat Completions at base_url   OPENAI_COMPATIBLE_API_KEY (optional)

`base_url` is the model API's root for any provider (an OpenAI-compatible server, or a
proxy); the edge takes it from its `--base-url` option, else OPENAI_BASE_URL.
    offline                    no model: the spec compiler alone
    scripted:<file>            replays a recorded conversation

What it builds, inside out: the provider, then `Recording` (with `record_to`), then
`Metered` (with a ledger), then `Retrying`, so every retried attempt is budgeted and
counted. Keys come in through `ProviderKeys`, filled at the edge; nothing here reads the
environment.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

from agent.errors import ConfigError
from agent.models.anthropic_provider import AnthropicModel
from agent.models.base import ChatModel
from agent.models.ledger import Ledger
from agent.models.metering import Metered
from agent.models.offline import OfflineModel
from agent.models.openai_compat import OpenAICompatibleModel
from agent.models.openai_provider import OpenAIModel
from agent.models.recording import Recording
from agent.models.retry import Retrying, RetryPolicy
from agent.models.scripted import ScriptedModel

KEY_VARIABLES = {
    "anthropic": "ANTHROPIC_API_KEY",
    "openai": "OPENAI_API_KEY",
    "openai-compatible": "OPENAI_COMPATIBLE_API_KEY",
}
PROVIDERS = ("anthropic", "openai", "openai-compatible", "offline", "scripted")
# Where a base URL comes from, as a message names it; an edge with a `--base-url` option
# says so (`pass --base-url URL or set OPENAI_BASE_URL`).
FROM_ENVIRONMENT = "set OPENAI_BASE_URL"


@dataclass(frozen=True)
class ProviderKeys:
    """API keys, each a SecretStr or None. Their repr shows only asterisks."""

    anthropic: SecretStr | None = None
    openai: SecretStr | None = None
    openai_compatible: SecretStr | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ProviderKeys:
        """Keys from an environment mapping the edge hands over (`os.environ` in the CLI)."""

        def key(name: str) -> SecretStr | None:
            value = environ.get(KEY_VARIABLES[name], "").strip()
            return SecretStr(value) if value else None

        return cls(key("anthropic"), key("openai"), key("openai-compatible"))


@dataclass(frozen=True)
class ModelOptions:
    """How calls are made: output cap, HTTP timeout, retries (and a sleep tests can replace)."""

    max_output_tokens: int = 8192
    timeout_s: float = 600.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep


def parse_spec(spec: str) -> tuple[str, str]:
    """`provider:model` split in two; `offline` alone. Unknown providers are a ConfigError."""
    provider, _, model = spec.partition(":")
    if provider not in PROVIDERS:
        raise ConfigError(
            f"unknown model {spec!r}: use one of "
            "anthropic:<model>, openai:<model>, openai-compatible:<model>, "
            "offline, scripted:<file>"
        )
    if provider != "offline" and not model:
        raise ConfigError(f"model {spec!r} names no model after {provider + ':'!r}")
    return provider, model


def check_base_url(url: str | None) -> str | None:
    """`url`, refused when it is not http(s) or carries credentials (it is saved with the
    run and put in jobs; the key goes in OPENAI_COMPATIBLE_API_KEY)."""
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"--base-url {url!r}: give an http(s) URL, e.g. http://localhost:11434/v1"
        )
    if parts.username or parts.password:
        raise ConfigError(
            "--base-url: put no credentials in the URL; set OPENAI_COMPATIBLE_API_KEY "
            "(or the provider's key) instead"
        )
    return url


def need_base_url(spec: str, base_url: str | None, base_url_from: str = FROM_ENVIRONMENT) -> str:
    """`base_url`; ConfigError when `spec` is an openai-compatible model and there is none
    (`base_url_from` says where one is given, in the edge's own terms)."""
    if spec.startswith("openai-compatible:") and not base_url:
        raise ConfigError(
            f"the model {spec} needs the server's base URL: "
            f"{base_url_from} (e.g. http://localhost:11434/v1 for Ollama)"
        )
    return base_url or ""


def _required(keys: ProviderKeys, provider: str) -> SecretStr:
    secret = keys.anthropic if provider == "anthropic" else keys.openai
    if secret is None or not secret.get_secret_value():
        raise ConfigError(f"the model {provider}:… needs an API key: set {KEY_VARIABLES[provider]}")
    return secret


def _provider(
    provider: str,
    model: str,
    keys: ProviderKeys,
    base_url: str | None,
    options: ModelOptions,
    *,
    base_url_from: str,
) -> ChatModel:
    cap, timeout = options.max_output_tokens, options.timeout_s
    if provider == "anthropic":
        return AnthropicModel(
            model,
            api_key=_required(keys, provider),
            base_url=base_url,
            max_output_tokens=cap,
            timeout_s=timeout,
        )
    if provider == "openai":
        return OpenAIModel(
            model,
            api_key=_required(keys, provider),
            base_url=base_url,
            max_output_tokens=cap,
            timeout_s=timeout,
        )
    if provider == "openai-compatible":
        return OpenAICompatibleModel(
            model,
            base_url=need_base_url(f"{provider}:{model}", base_url, base_url_from),
            api_key=keys.openai_compatible,
            max_output_tokens=cap,
            timeout_s=timeout,
        )
    path = Path(model)
    if not path.is_file():
        raise ConfigError(f"scripted model file {model!r} does not exist")
    return ScriptedModel.from_file(path)


def build_model(
    spec: str,
    *,
    keys: ProviderKeys,
    base_url: str | None = None,
    options: ModelOptions | None = None,
    ledger: Ledger | None = None,
    priced_as: str | None = None,
    record_to: Path | None = None,
    base_url_from: str = FROM_ENVIRONMENT,
) -> ChatModel:
    """The ChatModel for `spec`, retrying, metered by `ledger` and recorded when asked;
    `base_url_from` says, in the message of a missing base URL, where one is given."""
    provider, model = parse_spec(spec)
    if provider == "offline":
        return OfflineModel()
    opts = options or ModelOptions()
    built = _provider(provider, model, keys, base_url, opts, base_url_from=base_url_from)
    if record_to is not None:
        built = Recording(built, record_to)
    if ledger is not None:
        built = Metered(
            built, ledger, max_output_tokens=opts.max_output_tokens, priced_as=priced_as
        )
    return Retrying(built, opts.retry, sleep=opts.sleep)
