"""The account bootstrap: its own Pulumi project (`bootstrap/Pulumi.yaml`), run once per account
before the platform stacks. `config.py` validates its stack file; `program.py` builds it."""
