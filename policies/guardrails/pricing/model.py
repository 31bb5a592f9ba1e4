"""What an estimate is made of: one line per billable resource."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["priced", "usage", "unpriced"]
Scope = Literal["primary", "dr"]


@dataclass(frozen=True)
class Line:
    urn: str
    name: str
    type: str
    region: str | None
    status: Status
    monthly: float | None
    """Per month on demand, in `currency`; None unless status is `priced`."""
    detail: str
    component: str = "(stack)"
    committed: float | None = None
    """Per month with a 1-year commitment on the steady part (equal to `monthly` when nothing
    of it can be committed); None unless status is `priced`."""
    scope: Scope = "primary"
    """`dr`: the resource runs under a disaster-recovery region's provider (the DR add-on)."""
    currency: str = "USD"
    """Currency of the price list of the resource's cloud and region (CNY in mainland China)."""
    capability: str = ""
    """Capability of the top-level component (`monitoring` for `groundwork:aws/monitoring:*`)."""


class MixedCurrencyError(ValueError):
    """Lines priced in different currencies cannot be totalled."""


@dataclass
class Estimate:
    lines: list[Line] = field(default_factory=list)
    cloud: str = "aws"
    """Whose catalogue priced the stack (its commitments, its currency)."""

    @property
    def currencies(self) -> list[str]:
        """The currencies of the priced lines: one, unless a stack spans price lists (then no
        total adds them up: see `currency`)."""
        return sorted({line.currency for line in self.lines if line.status == "priced"})

    @property
    def currency(self) -> str:
        """The one currency of every total (USD when nothing is priced). A stack whose lines
        come from price lists in different currencies raises: never add CNY to USD."""
        found = self.currencies
        if len(found) > 1:
            raise MixedCurrencyError(f"the estimate mixes price lists in {', '.join(found)}")
        return found[0] if found else "USD"

    def scoped(self, scope: Scope) -> list[Line]:
        """The lines of one scope; every total is a sum of these, so a mixed estimate raises."""
        _ = self.currency
        return [line for line in self.lines if line.scope == scope]

    @property
    def total(self) -> float:
        """On-demand monthly total of the primary region (and its edge): the budgeted figure."""
        return round(sum(line.monthly or 0.0 for line in self.scoped("primary")), 2)

    @property
    def committed_total(self) -> float:
        """`total` with 1-year commitments on the steady parts."""
        return round(sum(line.committed or 0.0 for line in self.scoped("primary")), 2)

    @property
    def dr_total(self) -> float:
        """On-demand monthly cost of the disaster-recovery add-on, apart from `total`."""
        return round(sum(line.monthly or 0.0 for line in self.scoped("dr")), 2)

    def by_status(self, status: Status) -> list[Line]:
        return [line for line in self.lines if line.status == status]

    def of_capability(self, capability: str, scope: Scope = "primary") -> float:
        """On-demand monthly total of the components of one capability (their own line in the
        report, e.g. everything monitoring adds)."""
        return round(
            sum(
                line.monthly or 0.0 for line in self.scoped(scope) if line.capability == capability
            ),
            2,
        )

    def by_component(self, committed: bool = False, scope: Scope = "primary") -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for line in self.scoped(scope):
            totals[line.component] += (line.committed if committed else line.monthly) or 0.0
        # Most expensive first; ties by name, so reports are stable from run to run.
        return {k: round(v, 2) for k, v in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))}
