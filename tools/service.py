"""http_request and make_migration: the generated service, on the current code, in the sandbox.

Both run a short Python program inside the sandbox against the session's own scratch
database (migrated to head first), never the host's: `http_request` sends one request to
the app in-process (FastAPI's TestClient, the app's lifespan included) and answers the
status, headers and body, and the service's log on a 5xx; `make_migration` runs Alembic's
autogenerate from the ORM models and shows the new migration for review. The database
lives as long as the session, so a row created by one request is there for the next.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sandbox.base import Sandbox
from tools.base import ToolError
from tools.workspace import Workspace

SECRET = "http-request-tool-secret-not-a-real-one"  # the session's own tokens, nothing else
BODY_CHARS = 6_000
# Alembic's template for a new migration, in the generated service's style (ruff-clean).
MAKO = '''"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''
PROGRAM = """
import json, os, sys, uuid
from alembic import command
from alembic.config import Config
args = json.loads(sys.argv[1])
config = Config("alembic.ini")
config.set_main_option("sqlalchemy.url", args["database_url"])
command.upgrade(config, "head")
if args["mode"] == "migration":
    script = command.revision(config, message=args["name"], autogenerate=True)
    print(json.dumps({"path": os.path.relpath(script.path), "revision": script.revision}))
    sys.exit(0)
from fastapi.testclient import TestClient
from backend.core.config import Settings
from backend.core.security import create_access_token
from backend.main import create_app
settings = Settings(database_url=args["database_url"], jwt_secret=args["secret"],
                    redis_url=args.get("redis_url") or None, rate_limit_prefix=args["prefix"])
headers = dict(args.get("headers") or {})
user = args.get("user")
if args.get("auth"):
    if not user:  # a real caller: a user row where the service has users
        os.environ["DATABASE_URL"] = args["database_url"]
        try:
            from backend.tests.factories import make_user_id
            user = str(make_user_id())
        except ImportError:
            user = str(uuid.uuid4())
    token = create_access_token(uuid.UUID(user), settings)
    headers["Authorization"] = "Bearer " + token
with TestClient(create_app(settings), raise_server_exceptions=False) as client:
    kwargs = {"headers": headers, "params": args.get("params") or None}
    if "json" in args:
        kwargs["json"] = args["json"]
    reply = client.request(args["method"], args["path"], **kwargs)
print("\\n@@reply@@" + json.dumps({"status": reply.status_code, "headers": dict(reply.headers),
                               "body": reply.text, "user": user}))
"""


class HttpRequestArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: str = Field(pattern=r"^/", description="The path, e.g. /books/123 (no host).")
    json_body: Any = Field(None, description="A JSON body to send (omit for none).")
    params: dict[str, str] = Field(default_factory=dict, description="Query parameters.")
    headers: dict[str, str] = Field(default_factory=dict)
    auth: bool = Field(
        False,
        description="Send a valid bearer token of the session's caller (a user row made on "
        "first use; the answer says its id).",
    )


class MakeMigrationArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=3,
        max_length=60,
        pattern=r"^[a-z0-9_ ]+$",
        description="What it changes, e.g. 'add total to orders'.",
    )


Database = Callable[[], dict[str, str]]  # {"database_url", "redis_url"}: made on first use


def _run(sandbox: Sandbox, timeout: float, args: dict[str, Any]) -> tuple[str, str, int]:
    result = sandbox.run([sandbox.python, "-c", PROGRAM, json.dumps(args)], timeout=timeout, env={})
    if result.timed_out:
        raise ToolError(f"the service did not answer within {timeout:.0f}s")
    return result.stdout, result.stderr, result.exit_code


def http_request(
    sandbox: Sandbox,
    timeout: float,
    database: Database,
    caller: dict[str, str],
    args: HttpRequestArgs,
) -> str:
    """One request to the app on the current code; its answer (and the log on a 5xx).
    `caller` keeps the session's user id once the first authenticated request made it."""
    sent: dict[str, Any] = {
        "mode": "request",
        **database(),
        "secret": SECRET,
        "prefix": "http-tool",
        "user": caller.get("id"),
        "method": args.method,
        "path": args.path,
        "params": args.params,
        "headers": args.headers,
        "auth": args.auth,
    }
    if args.json_body is not None:
        sent["json"] = args.json_body
    out, err, code = _run(sandbox, timeout, sent)
    if "@@reply@@" not in out:
        tail = (out + err)[-4000:]
        raise ToolError(f"the service did not start or answer (exit {code}):\n{tail}")
    reply = json.loads(out.rsplit("@@reply@@", 1)[1])
    if args.auth and reply.get("user"):
        caller["id"] = reply["user"]
    headers = {k: v for k, v in reply["headers"].items() if k.lower() not in {"date", "server"}}
    body = reply["body"]
    if len(body) > BODY_CHARS:
        body = body[:BODY_CHARS] + f"\n… {len(reply['body']) - BODY_CHARS} more characters"
    lines = [f"{args.method} {args.path} -> {reply['status']}"]
    lines += [f"as the caller {caller['id']} (bearer token)"] if args.auth else []
    lines.append(f"headers: {json.dumps(headers)}")
    lines.append(f"body: {body}")
    if reply["status"] >= 500:
        lines.append("service log (tail):\n" + err[-3000:])
    return "\n".join(lines)


def make_migration(
    ws: Workspace, sandbox: Sandbox, timeout: float, database: Database, args: MakeMigrationArgs
) -> str:
    """Alembic autogenerate from the ORM models against a database at head: the new file."""
    template = ws.resolve("alembic/script.py.mako")
    if not template.exists():  # a service generated before the scaffold wrote it
        template.write_text(MAKO)
    sent = {"mode": "migration", **database(), "name": args.name}
    out, err, code = _run(sandbox, timeout, sent)
    if code != 0:
        raise ToolError(
            f"alembic could not make the migration (exit {code}):\n{(out + err)[-4000:]}"
        )
    made = json.loads(out.strip().splitlines()[-1])
    file = ws.resolve(made["path"])
    for fix in (["check", "--fix", "--quiet"], ["format", "--quiet"]):  # as the lint gate wants
        sandbox.run([sandbox.python, "-m", "ruff", *fix, made["path"]], timeout=timeout, env={})
    content = file.read_text()
    if "op." not in content:  # autogenerate found no difference
        file.unlink()
        return "nothing to migrate: the ORM models match the database at head (no file kept)"
    return (
        f"wrote {ws.relative(file)} (revision {made['revision']}):\n{content}\n"
        "Review it: alembic cannot see renames (it drops and adds) or server defaults."
    )
