"""The CloudWatch alarms each NAT gateway emits, overridable as `network.<key>`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.monitoring import AlarmSpec

KEYS = ("nat-port-allocation", "nat-packets-dropped")


def nat_alarms(gateways: Mapping[str, Any]) -> list[AlarmSpec]:
    """`gateways`: NAT gateway id by zone (or `regional`)."""
    specs: list[AlarmSpec] = []
    for zone, gateway in gateways.items():
        dims = {"NatGatewayId": gateway}
        specs += [
            AlarmSpec(key="nat-port-allocation", instance=zone, namespace="AWS/NATGateway",
                      metric="ErrorPortAllocation", dimensions=dims, statistic="Sum",
                      description="NAT gateway could not allocate a source port",
                      comparison=">", threshold=0, severity="P2", evaluation_periods=1),
            AlarmSpec(key="nat-packets-dropped", instance=zone, namespace="AWS/NATGateway",
                      metric="PacketsDropCount", dimensions=dims, statistic="Sum",
                      description="NAT gateway packets dropped per 5 minutes above threshold",
                      comparison=">", threshold=100, severity="P3"),
        ]  # fmt: skip
    return specs
