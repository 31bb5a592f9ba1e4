"""A small evaluator of Kubernetes NetworkPolicy egress, so tests assert what a pod can *reach*
rather than how a policy is spelt.

Semantics (https://kubernetes.io/docs/concepts/services-networking/network-policies/), for
connections from a pod to an address outside the cluster:
- a policy applies to a pod when it is in the pod's namespace and its `podSelector` matches the
  pod's labels (an empty selector matches every pod);
- a pod is isolated for egress when some applying policy lists `Egress` in `policyTypes` (or, with
  no `policyTypes`, has an `egress` section); an unisolated pod may reach anything;
- policies are additive: an isolated pod may open a connection when some rule of some applying
  policy allows it. A rule allows it when its `ports` are empty/absent or one matches (protocol,
  port or endPort range; named ports never match an address outside the cluster), and its `to` is
  empty/absent or one of its peers matches. Outside the cluster only `ipBlock` peers can match
  (`podSelector`/`namespaceSelector` select pods): the address is in `cidr` and in no `except`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address, ip_address, ip_network
from typing import Any


@dataclass(frozen=True)
class Pod:
    namespace: str
    labels: Mapping[str, str]


def _selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    match = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    if expressions:
        raise NotImplementedError("matchExpressions are not used by this project")
    return all(labels.get(key) == value for key, value in match.items())


def _applies(policy: Mapping[str, Any], pod: Pod) -> bool:
    metadata, spec = policy["metadata"], policy["spec"]
    return bool(
        metadata.get("namespace") == pod.namespace
        and _selects(spec.get("podSelector") or {}, pod.labels)
    )


def _isolates_egress(spec: Mapping[str, Any]) -> bool:
    types = spec.get("policyTypes")
    return "Egress" in types if types is not None else "egress" in spec


def _port_matches(rule_port: Mapping[str, Any], protocol: str, port: int) -> bool:
    if rule_port.get("protocol", "TCP") != protocol:
        return False
    if "port" not in rule_port:
        return True  # all ports of the protocol
    first = rule_port["port"]
    if isinstance(first, str):
        return False  # a named port refers to a pod's container port, never an outside address
    last = rule_port.get("endPort", first)
    return bool(first <= port <= last)


def _peer_matches(peer: Mapping[str, Any], address: IPv4Address) -> bool:
    block = peer.get("ipBlock")
    if block is None:
        return False  # pod/namespace selectors only select pods inside the cluster
    if address not in ip_network(block["cidr"]):
        return False
    return not any(address in ip_network(excluded) for excluded in block.get("except", []))


def egress_allowed(
    policies: Iterable[Mapping[str, Any]], pod: Pod, address: str, port: int, protocol: str = "TCP"
) -> bool:
    """Whether `pod` may open a connection to `address:port` outside the cluster."""
    target = ip_address(address)
    assert isinstance(target, IPv4Address)
    applying = [p["spec"] for p in policies if _applies(p, pod) and _isolates_egress(p["spec"])]
    if not applying:
        return True
    for spec in applying:
        for rule in spec.get("egress") or []:
            ports = rule.get("ports") or []
            peers = rule.get("to") or []
            if ports and not any(_port_matches(p, protocol, port) for p in ports):
                continue
            if peers and not any(_peer_matches(p, target) for p in peers):
                continue
            return True
    return False
