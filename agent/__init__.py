"""backend-agent: backlog in, verified FastAPI + PostgreSQL + Redis service out."""

__version__ = "0.1.0"
