"""Local stand-ins for the services tests may not reach (GitHub, a git host over HTTP)."""
