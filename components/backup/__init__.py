"""Backups of the data tier: `aws.py` (AWS Backup vault, plan and selection)."""
