"""The pure core: the programme model and its rules, the timeline, the Q&A and gallery rules, rate
arithmetic and permissions. Standard library only, no I/O, and "now" is always an argument — so
every rule here is unit-tested as a function (enforced by the import-linter contracts in pyproject.toml).
"""
