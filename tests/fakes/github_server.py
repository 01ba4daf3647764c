"""A local GitHub REST server for tests: FastAPI in a uvicorn thread on 127.0.0.1.

It keeps pull requests, labels and issue comments per repository in memory, answers
with GitHub's payload shapes (`github_payloads`), and records every request (method,
path, query, headers, JSON body) in `requests`. The same routes answer under `/` (like
api.github.com) and under `/api/v3` (like GitHub Enterprise Server); GraphQL answers at
`/graphql` and `/api/graphql`, for the two draft mutations only.

Switches make the next requests misbehave the way GitHub does: `fail_auth_next` (401
Bad credentials), `rate_limit_next` (403 secondary rate limit with Retry-After),
`race_next_create` (someone else opens the same branch's PR first, then 422 "A pull
request already exists"), `refuse_graphql` (GraphQL answers errors).

For the issue-label trigger it keeps issues (`open_issue`; `GET /repos/{o}/{r}/issues/{n}`),
answers `GET /repos/{o}/{r}/collaborators/{user}/permission` from `collaborators` (login
-> role; unknown logins read), and builds the `issues` `labeled` webhook payload
(`labeled_event`) that GitHub would deliver.

Tokens: `tokens` are accepted as `token X` / `Bearer X`. A GitHub App registered with
`add_app(app_id, public_pem)` can trade an RS256 JWT for an installation token at
`POST /app/installations/{id}/access_tokens`; the token it gets is accepted afterwards.
Installations: `add_installation(id, "owner/name", ...)` says which repositories an
installation (an account that installed the app) holds. Once any is added, the exchange
answers 404 for an installation id it does not know, and a token acts only in its own
installation: on a repository of another one it gets 404, as on GitHub. Repositories of
no installation stay open to every token.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse

from tests.fakes import github_payloads as gp
from tests.fakes.github_payloads import StoredIssue, StoredPull, render_pull


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any


@dataclass
class FakeGitHub:
    """State, switches and recorded requests of one fake GitHub."""

    tokens: set[str] = field(default_factory=set)
    login: str = "backend-agent[bot]"
    url: str = ""
    requests: list[RecordedRequest] = field(default_factory=list)
    pulls: list[StoredPull] = field(default_factory=list)
    comments: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)
    apps: dict[str, str] = field(default_factory=dict)
    fail_auth_next: int = 0
    rate_limit_next: int = 0
    retry_after: int = 1
    race_next_create: bool = False
    refuse_graphql: bool = False
    issued_tokens: list[str] = field(default_factory=list)
    # GitHub App installations: owner/name -> installation, issued token -> installation.
    installations: dict[str, int] = field(default_factory=dict)
    token_installations: dict[str, int] = field(default_factory=dict)
    # The issue-label trigger: issues by (owner/name, number), roles by login (unknown: read).
    issues: dict[tuple[str, int], StoredIssue] = field(default_factory=dict)
    collaborators: dict[str, str] = field(default_factory=dict)

    @property
    def web(self) -> str:
        return self.url.replace("127.0.0.1", "localhost")

    def api(self, request: Request) -> str:
        """The API root the client used (`/api/v3` for the Enterprise form)."""
        return self.url + ("/api/v3" if request.url.path.startswith("/api/v3") else "")

    def add_app(self, app_id: int | str, public_pem: str) -> None:
        """Register a GitHub App by the public half of its key."""
        self.apps[str(app_id)] = public_pem

    def add_installation(self, installation_id: int, *repositories: str) -> None:
        """The app installed on an account: `repositories` (owner/name) belong to it."""
        for repository in repositories:
            self.installations[repository] = installation_id

    def installation_of(self, token: str) -> int | None:
        """The installation an issued token acts as (None: not an installation token)."""
        return self.token_installations.get(token)

    def pulls_of(self, owner: str, repo: str) -> list[StoredPull]:
        return [p for p in self.pulls if (p.owner, p.repo) == (owner, repo)]

    def find(self, owner: str, repo: str, number: int) -> StoredPull | None:
        return next((p for p in self.pulls_of(owner, repo) if p.number == number), None)

    def open_pull(self, owner: str, repo: str, head: str, base: str, **kwargs: Any) -> StoredPull:
        """Store a new pull request (the create route uses it; tests may too)."""
        number = len(self.pulls_of(owner, repo)) + 1
        pull = StoredPull(number, owner, repo, head, base, author=self.login, **kwargs)
        self.pulls.append(pull)
        return pull

    def open_issue(
        self, owner: str, repo: str, title: str, body: str | None, author: str
    ) -> StoredIssue:
        """Store a new issue (numbered after the repository's pull requests and issues)."""
        taken = [n for (full, n) in self.issues if full == f"{owner}/{repo}"]
        number = max([0, *taken, *(p.number for p in self.pulls_of(owner, repo))]) + 1
        stored = StoredIssue(number, owner, repo, title, body, author)
        self.issues[(f"{owner}/{repo}", number)] = stored
        return stored

    def labeled_event(
        self,
        stored: StoredIssue,
        label: str,
        sender: str,
        sender_type: str = "User",
        installation: int | None = None,
    ) -> dict[str, Any]:
        """The `issues` `labeled` webhook payload GitHub sends when `sender` adds `label`
        (to a GitHub App's webhook: with `installation`)."""
        if label not in stored.labels:
            stored.labels.append(label)
        return gp.issues_event(
            self.url, self.web, stored, action="labeled", label_name=label, sender=sender,
            sender_type=sender_type, installation=installation,
        )  # fmt: skip

    def render(self, request: Request, pull: StoredPull, *, full: bool = True) -> dict[str, Any]:
        """A `pull-request` (full) or `pull-request-simple` (list) payload."""
        return render_pull(self.api(request), self.web, pull, full=full)


def app_key_pair() -> tuple[str, str]:
    """A fresh RSA key for a test GitHub App: (private PEM, public PEM for `add_app`)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


def _not_found() -> JSONResponse:
    return JSONResponse(gp.error(404, "Not Found"), status_code=404)


def _pull_routes(gh: FakeGitHub) -> APIRouter:
    """List, open, read and edit pull requests."""
    r = APIRouter()

    @r.get("/repos/{owner}/{repo}/pulls")
    def list_pulls(request: Request, owner: str, repo: str) -> Any:
        state = request.query_params.get("state", "open")
        head = request.query_params.get("head")
        found = [
            p
            for p in gh.pulls_of(owner, repo)
            if state in ("all", p.state) and (head is None or f"{p.owner}:{p.head}" == head)
        ]
        return [gh.render(request, p, full=False) for p in found]

    @r.post("/repos/{owner}/{repo}/pulls", status_code=201)
    async def create_pull(request: Request, owner: str, repo: str) -> Any:
        data = await request.json()
        head, base = data["head"], data["base"]
        if gh.race_next_create:
            gh.race_next_create = False
            gh.open_pull(owner, repo, head, base, title="opened by another run", body=None,
                         draft=False)  # fmt: skip
        if any(p.head == head and p.state == "open" for p in gh.pulls_of(owner, repo)):
            detail = {
                "resource": "PullRequest",
                "code": "custom",
                "message": f"A pull request already exists for {owner}:{head}.",
            }
            body = gp.error(422, "Validation Failed", errors=[detail])
            return JSONResponse(body, status_code=422)
        pull = gh.open_pull(
            owner, repo, head, base, title=data.get("title", head), body=data.get("body"),
            draft=bool(data.get("draft", False)),
        )  # fmt: skip
        return gh.render(request, pull)

    @r.get("/repos/{owner}/{repo}/pulls/{number}")
    def get_pull(request: Request, owner: str, repo: str, number: int) -> Any:
        pull = gh.find(owner, repo, number)
        return gh.render(request, pull) if pull else _not_found()

    @r.patch("/repos/{owner}/{repo}/pulls/{number}")
    async def update_pull(request: Request, owner: str, repo: str, number: int) -> Any:
        pull = gh.find(owner, repo, number)
        if pull is None:
            return _not_found()
        data = await request.json()
        for key in ("title", "body", "base", "state"):
            if key in data:
                setattr(pull, key, data[key])
        pull.updated_at = gp.now()
        return gh.render(request, pull)

    return r


def _issue_routes(gh: FakeGitHub) -> APIRouter:
    """Labels and comments on issues (a pull request is an issue too)."""
    r = APIRouter()

    @r.post("/repos/{owner}/{repo}/issues/{number}/labels")
    async def add_labels(request: Request, owner: str, repo: str, number: int) -> Any:
        data = await request.json()
        names = data["labels"] if isinstance(data, dict) else data
        pull = gh.find(owner, repo, number)
        if pull is None:
            return _not_found()
        pull.labels += [n for n in names if n not in pull.labels]
        known = gh.labels.setdefault(f"{owner}/{repo}", [])
        known += [n for n in names if n not in known]
        api = gh.api(request)
        return [gp.label(api, f"{owner}/{repo}", n, i) for i, n in enumerate(pull.labels)]

    @r.post("/repos/{owner}/{repo}/issues/{number}/comments", status_code=201)
    async def create_comment(request: Request, owner: str, repo: str, number: int) -> Any:
        data = await request.json()
        stored = gh.comments.setdefault((f"{owner}/{repo}", number), [])
        comment = _comment(gh, request, f"{owner}/{repo}", number, data["body"])
        stored.append(comment)
        return comment

    @r.get("/repos/{owner}/{repo}/issues/{number}/comments")
    def list_comments(owner: str, repo: str, number: int) -> Any:
        return gh.comments.get((f"{owner}/{repo}", number), [])

    return r


def _trigger_routes(gh: FakeGitHub) -> APIRouter:
    """What the webhook service reads: an issue, a collaborator's permission."""
    r = APIRouter()

    @r.get("/repos/{owner}/{repo}/issues/{number}")
    def get_issue(request: Request, owner: str, repo: str, number: int) -> Any:
        stored = gh.issues.get((f"{owner}/{repo}", number))
        return gp.issue(gh.api(request), gh.web, stored) if stored else _not_found()

    @r.get("/repos/{owner}/{repo}/collaborators/{username}/permission")
    def permission(request: Request, owner: str, repo: str, username: str) -> Any:
        role = gh.collaborators.get(username, "read")
        return gp.collaborator_permission(gh.api(request), gh.web, username, role)

    return r


def _app_routes(gh: FakeGitHub) -> APIRouter:
    """The installation token exchange of GitHub Apps."""
    r = APIRouter()

    @r.post("/app/installations/{installation_id}/access_tokens", status_code=201)
    def access_token(request: Request, installation_id: int) -> Any:
        if not _valid_app_jwt(gh, request):
            return JSONResponse(
                gp.error(401, "A JSON web token could not be decoded"), status_code=401
            )
        if gh.installations and installation_id not in gh.installations.values():
            return _not_found()
        token = "ghs_" + secrets.token_hex(18)
        gh.issued_tokens.append(token)
        gh.tokens.add(token)
        gh.token_installations[token] = installation_id
        expires = datetime.now(UTC) + timedelta(hours=1)
        return {
            "token": token,
            "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "permissions": {"contents": "write", "pull_requests": "write", "issues": "write"},
            "repository_selection": "all",
        }

    return r


def _comment(gh: FakeGitHub, request: Request, full: str, number: int, body: str) -> Any:
    api = gh.api(request)
    cid = 1000 + sum(len(v) for v in gh.comments.values())
    return {
        "id": cid,
        "node_id": gp.node_id("IssueComment", cid),
        "url": f"{api}/repos/{full}/issues/comments/{cid}",
        "html_url": f"{gh.web}/{full}/issues/{number}#issuecomment-{cid}",
        "body": body,
        "user": gp.user(api, gh.web, gh.login),
        "created_at": gp.now(),
        "updated_at": gp.now(),
        "issue_url": f"{api}/repos/{full}/issues/{number}",
        "author_association": "NONE",
    }


def _valid_app_jwt(gh: FakeGitHub, request: Request) -> bool:
    """RS256 JWT signed by a registered app's key, issued by that app (`iss`)."""
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    try:
        issuer = str(jwt.decode(token, options={"verify_signature": False})["iss"])
        jwt.decode(token, gh.apps[issuer], algorithms=["RS256"])
    except (jwt.PyJWTError, KeyError):
        return False
    return True


def _graphql(gh: FakeGitHub) -> Callable[[Request], Awaitable[Any]]:
    """The two draft mutations, by name, on a pull request's node id."""

    async def endpoint(request: Request) -> Any:
        data = await request.json()
        query, node = data["query"], data.get("variables", {}).get("id")
        pull = next((p for p in gh.pulls if p.node_id == node), None)
        if gh.refuse_graphql or pull is None:
            error = {"type": "FORBIDDEN", "message": "Resource not accessible by integration"}
            return {"data": None, "errors": [error]}
        name = "markPullRequestReadyForReview"
        if "convertPullRequestToDraft" in query:
            name = "convertPullRequestToDraft"
        pull.draft = name == "convertPullRequestToDraft"
        return {"data": {name: {"pullRequest": {"isDraft": pull.draft}}}}

    return endpoint


def _gate(gh: FakeGitHub) -> Callable[[Request, Any], Awaitable[Response]]:
    """Record the request, then apply the switches and the token check."""

    async def middleware(request: Request, call_next: Any) -> Response:
        raw = await request.body()
        gh.requests.append(
            RecordedRequest(
                request.method,
                request.url.path,
                dict(request.query_params),
                {k.lower(): v for k, v in request.headers.items()},
                await request.json() if raw else None,
            )
        )
        if gh.rate_limit_next > 0:
            gh.rate_limit_next -= 1
            return _secondary_rate_limit(gh.retry_after)
        if gh.fail_auth_next > 0 or not _authorised(gh, request):
            gh.fail_auth_next = max(0, gh.fail_auth_next - 1)
            return JSONResponse(gp.error(401, "Bad credentials"), status_code=401)
        if not _in_installation(gh, request):
            return _not_found()
        response: Response = await call_next(request)
        return response

    return middleware


def _authorised(gh: FakeGitHub, request: Request) -> bool:
    if request.url.path.endswith("/access_tokens"):
        return True  # the route checks the app's JWT itself
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() in ("token", "bearer") and token in gh.tokens


def _in_installation(gh: FakeGitHub, request: Request) -> bool:
    """False for an installation token on a repository of another installation."""
    token = request.headers.get("authorization", "").partition(" ")[2]
    acting = gh.installation_of(token)
    parts = request.url.path.removeprefix("/api/v3").split("/")
    if acting is None or len(parts) < 4 or parts[1] != "repos":
        return True
    holder = gh.installations.get(f"{parts[2]}/{parts[3]}")
    return holder is None or holder == acting


def _secondary_rate_limit(retry_after: int) -> JSONResponse:
    message = (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you "
        "try again. If you reach out to GitHub Support for help, please include the "
        "request ID 0000:1111:2222:3333:4444."
    )
    body = {
        "message": message,
        "documentation_url": "https://docs.github.com/free-pro-team@latest/rest/overview/"
        "rate-limits-for-the-rest-api#about-secondary-rate-limits",
        "status": "403",
    }
    headers = {"retry-after": str(retry_after), "x-ratelimit-remaining": "4999"}
    return JSONResponse(body, status_code=403, headers=headers)


def build_app(gh: FakeGitHub) -> FastAPI:
    """The ASGI app for `gh`; public so a test can drive it without a socket."""
    app = FastAPI()
    app.middleware("http")(_gate(gh))
    for routes in (_pull_routes(gh), _issue_routes(gh), _app_routes(gh), _trigger_routes(gh)):
        app.include_router(routes)
        app.include_router(routes, prefix="/api/v3")
    app.add_api_route("/graphql", _graphql(gh), methods=["POST"])
    app.add_api_route("/api/graphql", _graphql(gh), methods=["POST"])
    return app


@contextmanager
def serve(gh: FakeGitHub) -> Iterator[FakeGitHub]:
    """Run `gh` on 127.0.0.1 (random port) in a thread; `gh.url` is set while it runs."""
    config = uvicorn.Config(build_app(gh), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    while not server.started:
        if datetime.now(UTC) > deadline or not thread.is_alive():
            raise RuntimeError("the fake GitHub server did not start")
        threading.Event().wait(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    gh.url = f"http://127.0.0.1:{port}"
    try:
        yield gh
    finally:
        server.should_exit = True
        thread.join(timeout=10)
