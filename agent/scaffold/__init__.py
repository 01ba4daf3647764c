"""The scaffold: render the generated service from a `ServiceSpec`, idempotently."""
