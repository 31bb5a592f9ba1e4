"""Data tier: PostgreSQL HA, Redis/Valkey HA and AWS Backup components."""
