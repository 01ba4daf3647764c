"""Inside the sandbox: mutants of the service, and its criterion tests run against them.

Copied into the workspace's `.verify/mutate/` and run as `python -m mutate.main` (cwd:
`.verify`), next to the service it mutates; standard library only, like `live/`.

source.py   the service's modules as syntax trees: route handlers, the status of a raise
edits.py    the mutants that switch a behaviour off (auth, limit, conflict, 404, an
            endpoint, a rule module's raises)
fields.py   the validation mutant: one constraint of one request field removed
runs.py     a copy per mutant, its tests in one pytest session (forked from a warm
            process), their outcomes from JUnit XML
main.py     read the plan, build and run each mutant, print `PROOF-RESULT {json}`

A mutant is made on a copy of the code in a temporary folder, never in the workspace.
"""
