"""HTTPS credentials for one git command, never saved anywhere.

Git asks `GIT_ASKPASS` for a user name and a password when a remote answers 401. The
one-shot script written here answers from variables of the git process's own
environment, so the token is not on disk, not on a command line (`ps`), not in the
remote URL and not in `.git/config`. `NO_HELPER_ARGS` empties git's credential helper
list for the command, so no helper (`store`, a keychain) records the token either.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

NO_HELPER_ARGS = ("-c", "credential.helper=")
"""Git options that reset the credential helper list for one command."""

_USER_VAR = "BACKEND_AGENT_GIT_USERNAME"
_TOKEN_VAR = "BACKEND_AGENT_GIT_TOKEN"
_SCRIPT = f"""#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "${_USER_VAR}" ;;
  *) printf '%s\\n' "${_TOKEN_VAR}" ;;
esac
"""


@dataclass(frozen=True)
class GitCredentials:
    """A token for HTTPS pushes and the user name the forge pairs with it.

    GitHub takes any user name with a token (`x-access-token` is the convention for
    installation tokens); GitLab expects `oauth2` with an OAuth or project token.
    """

    token: SecretStr
    username: str = "x-access-token"


@contextmanager
def git_auth_env(credentials: GitCredentials | None) -> Iterator[dict[str, str]]:
    """Environment variables for git commands run inside the block.

    Git never prompts on a terminal. With credentials, a temporary askpass script
    answers git's prompts; its folder is removed when the block ends.
    """
    env = {"GIT_TERMINAL_PROMPT": "0"}
    if credentials is None:
        yield env
        return
    folder = Path(tempfile.mkdtemp(prefix="backend-agent-askpass-"))
    try:
        script = folder / "askpass.sh"
        script.write_text(_SCRIPT)
        script.chmod(0o700)
        env["GIT_ASKPASS"] = str(script)
        env[_USER_VAR] = credentials.username
        env[_TOKEN_VAR] = credentials.token.get_secret_value()
        yield env
    finally:
        shutil.rmtree(folder, ignore_errors=True)
