"""The eval harness: tasks with hidden tests, run through the same entry point as the CLI."""
