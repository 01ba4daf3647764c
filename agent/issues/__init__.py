"""GitHub issues -> backlogs: one parser for the webhook service and the Actions workflow.

`issue_backlog(Issue(number, title, body), planning=...)` returns the backlog document
(validated by the same models as a backlog file) or raises `BacklogError` listing every
problem with its JSON path. HTML comments are stripped before anything reads the body.
"""

from agent.issues.backlog import Issue, issue_backlog
from agent.issues.text import strip_hidden

__all__ = ["Issue", "issue_backlog", "strip_hidden"]
