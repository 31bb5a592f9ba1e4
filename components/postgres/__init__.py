"""PostgreSQL with HA: `aws.py` (Aurora PostgreSQL or RDS Multi-AZ)."""

from __future__ import annotations

import re

TEMPLATE_DATABASES = ("template0", "template1")
"""Databases every PostgreSQL cluster already has: creating one of them fails halfway."""


def database_name_problem(name: str, pattern: re.Pattern[str]) -> str | None:
    """Why `name` cannot be the database created with the cluster, or None."""
    if pattern.match(name) is None:
        return "invalid name"
    if name in TEMPLATE_DATABASES:
        return f"'{name}' exists in every PostgreSQL cluster (a template); name the application's own database"
    return None
