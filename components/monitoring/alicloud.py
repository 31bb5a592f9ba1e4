"""Alibaba Cloud monitoring: CloudMonitor contacts and one contact group per alert severity
(`AlertContacts`) and the CloudMonitor alarm rules components emit (`emit_alarms`); SLS
logstores by retention class are in alicloud_logs.py.

Channels from the same `groundwork:alerting` routing as AWS: email and SMS recipients and DingTalk
chatbots become CloudMonitor contacts (a contact's DingTalk URL is kept secret); an `https` webhook
is called by each alarm rule of its severity (CloudMonitor calls one URL per rule). Slack and WeCom
chatbots need their own message format and a signing DingTalk robot a signature, which CloudMonitor
cannot give: the rules of those severities also invoke the alert relay function
(alicloud_relay.py, `AlarmWiring.relay_arn`), which posts to them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi
from pulumi_alicloud import cms

from components._base import child_opts, type_token
from components.monitoring import (
    SEVERITIES,
    AlarmPolicy,
    AlarmSpec,
    AlertRouting,
    Severity,
    apply_policy,
)
from components.monitoring.alicloud_spec import AlertContactsArgs, validate

LEVEL = {"P0": "critical", "P1": "critical", "P2": "warn", "P3": "info"}
"""CloudMonitor's escalation level of each severity (it has three)."""
TARGET_LEVEL = {"critical": "Critical", "warn": "Warn", "info": "Info"}
"""An alarm target's level (the escalation it is invoked for)."""
CONTACT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$")


@dataclass(frozen=True)
class AlarmWiring:
    """What a component needs to emit its alarms: the contact group and the webhook (if any) of
    each severity, and the stack's alarm policy."""

    contact_groups: Mapping[Severity, pulumi.Input[str]]
    webhooks: Mapping[Severity, pulumi.Input[str]] = field(default_factory=dict)
    policy: AlarmPolicy = field(default_factory=AlarmPolicy)
    relay_arn: pulumi.Input[str] | None = None
    """The alert relay function (alicloud_relay.py) the rules of `relayed` severities invoke."""
    relayed: frozenset[Severity] = frozenset()
    """Severities with chats only the relay reaches (Slack, WeCom, signed DingTalk)."""

    def with_relay(self, arn: pulumi.Input[str], severities: Iterable[Severity]) -> AlarmWiring:
        return replace(self, relay_arn=arn, relayed=frozenset(severities))


class AlertContacts(pulumi.ComponentResource):
    """One CloudMonitor contact per recipient and one contact group per severity."""

    contact_groups: dict[Severity, pulumi.Output[str]]
    webhooks: dict[Severity, pulumi.Output[str]]

    def __init__(
        self, name: str, args: AlertContactsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            type_token("monitoring", "AlertContacts", cloud="alicloud"), name, None, opts
        )
        validate(args)
        routing = args.routing
        self.contacts: dict[str, cms.AlarmContact] = {}
        members: dict[Severity, list[str]] = {}
        for severity in SEVERITIES:
            channels = routing.severities.get(severity)
            if channels is None:
                continue
            keys = [f"email-{_slug(e)}" for e in channels.emails]
            keys += [f"sms-{_slug(n)}" for n in channels.sms]
            # A robot that signs is posted to by the relay (alicloud_relay.py), not CloudMonitor.
            keys += [f"dingtalk-{h}" for h in channels.webhooks
                     if routing.webhooks[h].kind == "dingtalk" and not routing.webhooks[h].secret]  # fmt: skip
            for key in keys:
                if key not in self.contacts:  # a recipient of several severities: one contact
                    self.contacts[key] = self._contact(name, key, routing, args.language)
            members[severity] = keys
        self.contact_groups, self.webhooks = {}, {}
        for severity, keys in members.items():
            group = cms.AlarmContactGroup(
                f"{name}-{severity.lower()}",
                alarm_contact_group_name=f"{name}-{severity.lower()}",
                contacts=[self.contacts[k].alarm_contact_name for k in keys],
                describe=f"{severity} alerts of {name}",
                opts=child_opts(self),
            )
            self.contact_groups[severity] = group.alarm_contact_group_name
            https = [routing.webhooks[h] for h in routing.severities[severity].webhooks
                     if routing.webhooks[h].kind == "https"]  # fmt: skip
            if https:
                self.webhooks[severity] = pulumi.Output.secret(https[0].url)
        self.register_outputs({"contactGroups": self.contact_groups})

    def _contact(
        self, name: str, key: str, routing: AlertRouting, language: str
    ) -> cms.AlarmContact:
        kind, _, rest = key.partition("-")
        channel: dict[str, Any] = {}
        if kind == "email":
            channel["channels_mail"] = _recipient(routing, "emails", rest)
        elif kind == "sms":
            channel["channels_sms"] = _recipient(routing, "sms", rest)
        else:
            channel["channels_ding_web_hook"] = pulumi.Output.secret(routing.webhooks[rest].url)
        return cms.AlarmContact(
            f"{name}-{key}",
            alarm_contact_name=_contact_name(f"{name}-{key}"),
            describe=f"{kind} recipient of {name}",
            lang=language,
            opts=child_opts(self),
            **channel,
        )

    def wiring(self, policy: AlarmPolicy) -> AlarmWiring:
        return AlarmWiring(contact_groups=dict(self.contact_groups),
                           webhooks=dict(self.webhooks), policy=policy)  # fmt: skip


def _contact_name(wanted: str) -> str:
    """CloudMonitor contact names have at most 40 characters: a longer one keeps its start and a
    digest of the whole (stable, and distinct for distinct recipients)."""
    if len(wanted) <= 40:
        return wanted
    return f"{wanted[:31]}-{hashlib.sha256(wanted.encode()).hexdigest()[:8]}"


def _recipient(routing: AlertRouting, kind: str, slug: str) -> str:
    """The email or number a contact key was made from (keys come from these same values)."""
    values = (str(v) for c in routing.severities.values() for v in getattr(c, kind))
    return next(v for v in values if _slug(v) == slug)


def emit_alarms(
    parent: pulumi.Resource,
    name: str,
    capability: str,
    specs: Sequence[AlarmSpec],
    wiring: AlarmWiring | None,
) -> dict[str, cms.Alarm]:
    """A CloudMonitor alarm rule per spec the stack's policy keeps, notifying its severity's
    contact group (and webhook). Keyed by the spec's name, never by position."""
    if wiring is None:
        return {}
    alarms: dict[str, cms.Alarm] = {}
    for spec in apply_policy(capability, specs, wiring.policy):
        escalation = {
            "statistics": spec.statistic,
            "comparison_operator": spec.comparison,
            "threshold": f"{spec.threshold:g}",
            "times": spec.evaluation_periods,
        }
        level = LEVEL[spec.severity]
        alarms[spec.name] = cms.Alarm(
            f"{name}-{spec.name}",
            name=f"{name}-{spec.name}-{spec.severity}",
            project=spec.namespace,
            metric=spec.metric,
            metric_dimensions=pulumi.Output.from_input(dict(spec.dimensions)).apply(
                lambda d: json.dumps([d], sort_keys=True)
            ),
            period=spec.period_seconds,
            contact_groups=[wiring.contact_groups[spec.severity]],
            webhook=wiring.webhooks.get(spec.severity),
            targets=_relay_target(wiring, spec.severity),
            enabled=True,
            opts=child_opts(parent),
            **{f"escalations_{level}": escalation},
        )
    return alarms


def _relay_target(wiring: AlarmWiring, severity: Severity) -> list[dict[str, Any]] | None:
    """CloudMonitor invokes the relay function for the severity's chats (no endpoint involved)."""
    if wiring.relay_arn is None or severity not in wiring.relayed:
        return None
    return [{"arn": wiring.relay_arn, "target_id": "relay", "level": TARGET_LEVEL[LEVEL[severity]],
             "json_params": json.dumps({"severity": severity})}]  # fmt: skip


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
