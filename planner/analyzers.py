"""Analyzers that turn the captured resources into report sections.

Each analyzer is `(PlanContext) -> Section`. Policy results, cost, DR posture and alarms register here;
a section with `blocking` reasons makes the plan exit non-zero.
"""

from __future__ import annotations

from planner.alarm_report import alarm_section
from planner.cost_report import cost_section
from planner.dr_report import dr_section
from planner.policy_report import policy_section
from planner.report import Analyzer

ANALYZERS: list[Analyzer] = [policy_section, cost_section, dr_section, alarm_section]
