"""PostgreSQL with HA: `aws.py` (Aurora PostgreSQL or RDS Multi-AZ)."""
