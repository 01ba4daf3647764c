"""Delivery: push the branch the agent committed on, then open (or update) its pull request.

`forge` is the seam (`Forge.open_or_update_pr`); `github` and `gitlab` implement it;
`push` sends a local branch to its remote without ever saving a token in the repo.
"""
