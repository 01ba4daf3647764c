"""Jobs: one backlog (usually one item) run for a GitHub issue or `backend-agent enqueue`,
carried on the `agent.backend` queue from the webhook (or CLI) to a worker."""
