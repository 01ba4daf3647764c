"""Read `owner/name` out of a git remote URL, so `--repo ./svc` is enough to find the forge repo."""

from __future__ import annotations

import re

_SLUG = re.compile(
    r"""^(?:[a-z][a-z0-9+.-]*://(?:[^@/]+@)?[^/]+(?::\d+)?/   # https://host/, ssh://git@host:22/
        |[^@/:\s]+@[^:/\s]+:)                                 # git@host:
        (?P<owner>[^/\s]+(?:/[^/\s]+)*?)/(?P<name>[^/\s]+?)(?:\.git)?/?$""",
    re.VERBOSE | re.IGNORECASE,
)


def repo_slug(url: str) -> str | None:
    """`owner/name` of a remote URL (HTTPS, SSH or scp-like), or None for a local path.

    GitLab subgroups keep their full path: `group/sub/name`.
    """
    match = _SLUG.match(url.strip())
    if match is None:
        return None
    return f"{match['owner']}/{match['name']}"
