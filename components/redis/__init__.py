"""Valkey / Redis OSS with HA: `aws.py` (ElastiCache replication group)."""
