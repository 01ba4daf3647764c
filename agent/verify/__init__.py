"""Verify: the gates a generated service must pass, run in the sandbox, read into evidence."""
