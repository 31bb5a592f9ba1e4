"""`groundwork:dr`: the disaster-recovery region (its resources arrive with the DR layer)."""

from __future__ import annotations

from infra.sections.base import Section


class DisasterRecovery(Section):
    enabled: bool = False
    """Build the DR-region provider (and, as layers add it, replicas there)."""
    region: str | None = None
    """The DR region; must differ from the primary region."""
