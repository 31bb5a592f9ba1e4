"""The NetworkPolicy evaluator the reachability tests rely on, against the documented semantics."""

from __future__ import annotations

from typing import Any

from tests.netpol import Pod, egress_allowed

POD = Pod(namespace="apps", labels={"app": "api"})


def policy(spec: dict[str, Any], namespace: str = "apps") -> dict[str, Any]:
    return {"metadata": {"name": "p", "namespace": namespace}, "spec": spec}


DENY_ALL = policy({"podSelector": {}, "policyTypes": ["Egress"]})


def test_a_pod_no_policy_isolates_may_reach_anything() -> None:
    assert egress_allowed([], POD, "8.8.8.8", 443)
    ingress_only = policy({"podSelector": {}, "policyTypes": ["Ingress"]})
    other_ns = policy({"podSelector": {}, "policyTypes": ["Egress"]}, namespace="other")
    assert egress_allowed([ingress_only, other_ns], POD, "8.8.8.8", 443)


def test_default_deny_isolates_every_pod_of_the_namespace() -> None:
    assert not egress_allowed([DENY_ALL], POD, "10.0.0.1", 5432)


def test_a_policy_selecting_other_pods_does_not_open_anything_for_this_one() -> None:
    allow_all = policy({"podSelector": {"matchLabels": {"app": "web"}}, "egress": [{}]})
    assert not egress_allowed([DENY_ALL, allow_all], POD, "8.8.8.8", 443)
    assert egress_allowed([DENY_ALL, allow_all], Pod("apps", {"app": "web"}), "8.8.8.8", 443)


def test_ip_block_port_and_except() -> None:
    rule = {
        "to": [{"ipBlock": {"cidr": "10.0.64.0/22", "except": ["10.0.65.0/24"]}}],
        "ports": [{"protocol": "TCP", "port": 5432}],
    }
    policies = [DENY_ALL, policy({"podSelector": {}, "policyTypes": ["Egress"], "egress": [rule]})]
    assert egress_allowed(policies, POD, "10.0.64.10", 5432)
    assert not egress_allowed(policies, POD, "10.0.65.10", 5432)  # excepted
    assert not egress_allowed(policies, POD, "10.0.68.1", 5432)  # outside the block
    assert not egress_allowed(policies, POD, "10.0.64.10", 5433)  # another port
    assert not egress_allowed(policies, POD, "10.0.64.10", 5432, protocol="UDP")


def test_pod_and_namespace_peers_never_match_an_address_outside_the_cluster() -> None:
    rule = {"to": [{"namespaceSelector": {}}, {"podSelector": {}}]}
    policies = [DENY_ALL, policy({"podSelector": {}, "policyTypes": ["Egress"], "egress": [rule]})]
    assert not egress_allowed(policies, POD, "10.0.64.10", 5432)


def test_an_empty_to_or_ports_means_every_destination_or_port() -> None:
    any_port = {"to": [{"ipBlock": {"cidr": "10.0.0.0/16"}}]}
    anywhere = {"ports": [{"protocol": "TCP", "port": 443}]}
    policies = [
        DENY_ALL,
        policy({"podSelector": {}, "policyTypes": ["Egress"], "egress": [any_port, anywhere]}),
    ]
    assert egress_allowed(policies, POD, "10.0.3.3", 22)
    assert egress_allowed(policies, POD, "8.8.8.8", 443)
    assert not egress_allowed(policies, POD, "8.8.8.8", 80)


def test_port_ranges() -> None:
    rule = {"ports": [{"protocol": "TCP", "port": 6379, "endPort": 6380}]}
    policies = [DENY_ALL, policy({"podSelector": {}, "policyTypes": ["Egress"], "egress": [rule]})]
    assert egress_allowed(policies, POD, "10.0.0.1", 6380)
    assert not egress_allowed(policies, POD, "10.0.0.1", 6381)
