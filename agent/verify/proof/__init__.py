"""The proof step: a criterion is met only when a test of it passes on the service and
fails on a mutant without the behaviour it names (the FAIL_TO_PASS discipline).

reading.py  which behaviour a criterion names: the mutants, from its words and the backlog
record.py   what the step records (per mutant, per criterion)
step.py     run it in the sandbox (the `mutate` package) and judge each criterion
verdict.py  a criterion's standing (met, passed but unproven, unmet) and an item's status
"""
