"""`./tasks scan`: export each stack's plan and run Checkov on it; every failing check must be
waived with a reason in policies/checkov-waivers.yaml (see docs/scanning.md)."""
