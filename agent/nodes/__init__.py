"""The graph's nodes: small functions named by a verb, `(state, runtime) -> update`."""
