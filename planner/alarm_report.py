"""Offline-plan analyzer for alerting: the alarms each top-level component emits (with metric,
threshold, severity and the region they live in) and the alert routing table of
`groundwork:alerting` (severity -> channels, whether it pages)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from components.monitoring import SEVERITIES, Severity, alertmanager_reach
from planner.recorder import RecordedResource
from planner.report import PlanContext, Section

ALARM_TYPES = ("aws:cloudwatch/metricAlarm:MetricAlarm", "alicloud:cms/alarm:Alarm")
_OPERATORS = {
    "GreaterThanThreshold": ">", "GreaterThanOrEqualToThreshold": ">=",
    "LessThanThreshold": "<", "LessThanOrEqualToThreshold": "<=",
}  # fmt: skip


def _component(r: RecordedResource, by_urn: dict[str, RecordedResource]) -> str:
    current, seen = r, 0
    while current.parent in by_urn and seen < 100:
        current, seen = by_urn[current.parent], seen + 1
    return "(stack)" if current is r else f"{current.name} ({current.type.rsplit(':', 1)[-1]})"


def _alarm_row(r: RecordedResource, by_urn: dict[str, RecordedResource]) -> dict[str, Any]:
    i = r.inputs
    if r.type.startswith("aws:"):
        metric = f"{i.get('namespace', '')} {i.get('metricName', '')}".strip()
        queries = i.get("metricQueries") or []
        if not metric and queries:  # a Metrics Insights query: its label names the metric
            metric = f"{queries[0].get('label', '')} (Metrics Insights)".strip()
        condition = (
            f"{_OPERATORS.get(str(i.get('comparisonOperator')), '?')} {i.get('threshold', '?')}"
        )
        severity = str((i.get("tags") or {}).get("severity", ""))
    else:  # Alibaba CloudMonitor: the rule's critical escalation, severity in its name
        metric = f"{i.get('project', '')} {i.get('metric', '')}".strip()
        critical = i.get("escalationsCritical") or {}
        condition = f"{critical.get('comparisonOperator', '?')} {critical.get('threshold', '?')}"
        tail = str(i.get("name", "")).rsplit("-", 1)[-1]
        severity = tail if tail in SEVERITIES else ""
    return {
        "component": _component(r, by_urn),
        "name": r.name,
        "metric": metric,
        "condition": condition,
        "severity": severity,
        "region": _provider_region(r, by_urn),
    }


def _provider_region(r: RecordedResource, by_urn: dict[str, RecordedResource]) -> str:
    """The region of the resource's explicit provider ('' for Kubernetes and the like)."""
    ref = r.provider or ""
    provider = by_urn.get(ref) or by_urn.get(ref.rsplit("::", 1)[0])
    return str(provider.inputs.get("region", "")) if provider else ""


def routing_rows(config: Any) -> list[dict[str, Any]]:
    """Severity -> channels and paging, from the stack's `alerting` section."""
    alerting = getattr(config, "alerting", None)
    if alerting is None or not alerting.configured:
        return []
    rows = []
    for severity in SEVERITIES:
        channels = alerting.severities.get(severity)
        if channels is None:
            continue
        names = [f"email:{e}" for e in channels.emails] + [f"sms:{n}" for n in channels.sms]
        names += [f"{alerting.webhooks[w].kind}:{w}" if w in alerting.webhooks else w
                  for w in channels.webhooks]  # fmt: skip
        if channels.pages:
            names.append("pagerduty")
        rows.append({"severity": severity, "pages": channels.pages, "channels": names,
                     "inCluster": _in_cluster(config, severity)})  # fmt: skip
    return rows


def _in_cluster(config: Any, severity: Severity) -> list[str]:
    """Whom the in-cluster Alertmanager tells: AWS publishes email/SMS and chat (through the alert
    relay) to the topics; Alibaba Cloud mails through DirectMail when set, sends no SMS and
    reaches DingTalk/WeCom robots through its alert relay function."""
    alibaba = getattr(config, "cloud", "aws") == "alicloud"
    email = getattr(config.alerting, "direct_mail", None) is not None if alibaba else True
    return alertmanager_reach(
        config.alerting.routing(), severity, email=email, sms=not alibaba, chat=True
    )


def _in_cluster_note(row: dict[str, Any]) -> str:
    """Where the in-cluster alerts reach fewer channels than the cloud's alarms, say which."""
    if sorted(row["channels"]) == sorted(row["inCluster"]):
        return ""
    return f"  (in-cluster: {', '.join(row['inCluster']) or 'nobody'})"


def alarm_section(ctx: PlanContext) -> Section:
    by_urn = {r.urn: r for r in ctx.resources}
    alarms = sorted(
        (_alarm_row(r, by_urn) for r in ctx.resources if r.type in ALARM_TYPES),
        key=lambda a: (a["component"], a["name"]),
    )
    by_component: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for alarm in alarms:
        by_component[alarm["component"]].append(alarm)
    routes = routing_rows(ctx.config)
    text = ["  Routing (groundwork:alerting):" if routes else "  Routing: no alerting section"]
    text += [f"    {r['severity']}  pages: {'yes' if r['pages'] else 'no '}  "
             f"{', '.join(r['channels'])}" + _in_cluster_note(r) for r in routes]  # fmt: skip
    text.append(f"  Alarms by component ({len(alarms)}):")
    for component, rows in by_component.items():
        text.append(f"    {component}: {len(rows)}")
        text += [f"      {a['severity'] or '-':<3} {a['name']}  {a['metric']} {a['condition']}"
                 f"{'  [' + a['region'] + ']' if a['region'] else ''}" for a in rows]  # fmt: skip
    markdown = ["| Severity | Pages | Channels |", "|---|---|---|"]
    markdown += [f"| {r['severity']} | {'yes' if r['pages'] else 'no'} | "
                 f"{', '.join(r['channels'])} |" for r in routes]  # fmt: skip
    markdown += ["", "| Component | Alarms |", "|---|---:|"]
    markdown += [f"| `{c}` | {len(rows)} |" for c, rows in by_component.items()]
    return Section(
        key="alarms",
        title="Alarms and alert routing",
        data={"routing": routes, "alarms": alarms},
        text=text,
        markdown=markdown,
    )
