"""Alibaba Cloud compute and edge rules: ECS disk encryption (disks, instances, launch templates,
ACK node pools), load balancer TLS and HTTP listeners (SLB, ALB, NLB), deletion protection of
clusters, instances and load balancers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import Finding, Rule, Subject, as_list, get, known, need, truthy
from .joins import linked

DISKS = ("alicloud:ecs/disk:Disk", "alicloud:ecs/ecsDisk:EcsDisk")
ECS = "alicloud:ecs/instance:Instance"
TEMPLATES = (
    "alicloud:ecs/launchTemplate:LaunchTemplate",
    "alicloud:ecs/ecsLaunchTemplate:EcsLaunchTemplate",
)
NODE_POOL = "alicloud:cs/nodePool:NodePool"
SCALING = "alicloud:ess/scalingConfiguration:ScalingConfiguration"
"""What an auto scaling group launches its ECS instances with."""
ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes"
SLB = (
    "alicloud:slb/loadBalancer:LoadBalancer",
    "alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer",
)
SLB_LISTENER = "alicloud:slb/listener:Listener"
ALB = "alicloud:alb/loadBalancer:LoadBalancer"
ALB_LISTENER = "alicloud:alb/listener:Listener"
ALB_RULE = "alicloud:alb/rule:Rule"
ALB_POLICY = "alicloud:alb/securityPolicy:SecurityPolicy"
NLB_LISTENER = "alicloud:nlb/listener:Listener"
WEAK_TLS = ("TLSv1.0", "TLSv1.1")


def _disk_encrypted(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in DISKS:
        if not truthy(need(p, "encrypted")):
            yield "the disk is not encrypted"
        return
    if subject.type in TEMPLATES:
        system = need(p, "systemDisk") or {}
        if not truthy(known(get(system, "encrypted"), "systemDisk.encrypted")):
            yield "systemDisk is not encrypted"
    elif not truthy(need(p, "systemDiskEncrypted")):
        yield "systemDiskEncrypted is not true"
    for i, disk in enumerate(as_list(get(p, "dataDisks"), "dataDisks")):
        if not truthy(known(get(disk, "encrypted"), f"dataDisks[{i}].encrypted")):
            yield f"dataDisks[{i}] is not encrypted"


def _no_public_ip(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    bandwidth = need(p, "internetMaxBandwidthOut")
    if bandwidth is not None and int(bandwidth) > 0:
        yield f"internetMaxBandwidthOut={bandwidth} gives every instance a public IP"
    if subject.type == ECS and need(p, "allocatePublicIp") is True:
        yield "allocatePublicIp=true gives the instance a public IP"


def _metadata_tokens(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == NODE_POOL:
        tokens = need(p, "instanceMetadataOptions.httpTokens")
        where = "instanceMetadataOptions.httpTokens"
    else:
        if str(need(p, "httpEndpoint") or "enabled") == "disabled":
            return  # no metadata service at all
        tokens, where = need(p, "httpTokens"), "httpTokens"
    if tokens != "required":
        yield f"{where} is {tokens or 'optional (the default)'}: the metadata service answers without a session token"


def _tls_policy(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    allowed = params["allowedPolicies"]
    if subject.type == ALB_POLICY:
        weak = [v for v in as_list(need(p, "tlsVersions"), "tlsVersions") if v in WEAK_TLS]
        if weak:
            yield f"tlsVersions include {weak}"
        return
    if subject.type == SLB_LISTENER:
        if str(need(p, "protocol")).lower() != "https":
            return
        prop = "tlsCipherPolicy"
    elif subject.type == ALB_LISTENER:
        if str(need(p, "listenerProtocol")).upper() != "HTTPS":
            return
        prop = "securityPolicyId"
    else:  # NLB: only TCPSSL listeners terminate TLS
        if str(need(p, "listenerProtocol")).upper() != "TCPSSL":
            return
        prop = "securityPolicyId"
    policy = need(p, prop) or "tls_cipher_policy_1_0"  # the provider's default
    if str(policy).startswith("tls_cipher_policy") and policy not in allowed:
        yield f"{prop}={policy} accepts TLS below 1.2; allowed: {allowed}"
    # Custom ALB/NLB policies (spy-...) are judged on their own SecurityPolicy resource.


def _redirects_to_https(rule: Subject) -> bool:
    for action in as_list(get(rule.props, "ruleActions"), "ruleActions"):
        if (
            get(action, "type") == "Redirect"
            and str(get(action, "redirectConfig.protocol")).upper() == "HTTPS"
        ):
            return True
    return False


def _http_redirect(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    rules = [r for r in subjects if r.type == ALB_RULE and _redirects_to_https(r)]
    for s in subjects:
        p = s.props
        if s.type == SLB_LISTENER and str(known(get(p, "protocol"), "protocol")).lower() == "http":
            if str(get(p, "listenerForward")).lower() != "on":
                yield Finding(
                    f"SLB listener '{s.name}' serves plain HTTP (listenerForward is not 'on')",
                    s.urn,
                )
        elif (
            s.type == ALB_LISTENER
            and str(known(get(p, "listenerProtocol"), "listenerProtocol")).upper() == "HTTP"
            and not any(linked(r, "listenerId", s) for r in rules)
        ):
            yield Finding(
                f"ALB listener '{s.name}' serves plain HTTP without a Redirect rule to HTTPS", s.urn
            )


def _deletion_protection(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in SLB:
        if str(need(p, "deleteProtection") or "off").lower() != "on":
            yield "deleteProtection is not 'on'"
    elif subject.type == ALB:
        if not truthy(need(p, "deletionProtectionEnabled")):
            yield "deletionProtectionEnabled is not true"
    elif not truthy(need(p, "deletionProtection")):
        yield "deletionProtection is not true"


RULES = [
    Rule(
        id="alicloud-ecs-no-public-ip",
        group="security",
        severity="high",
        description="ECS instances, launch templates, auto scaling configurations and ACK node pools get no public IP (internetMaxBandwidthOut=0).",
        remediation="Set internetMaxBandwidthOut to 0; reach instances through a bastion or Session Manager, egress through NAT.",
        types=(ECS, *TEMPLATES, NODE_POOL, SCALING),
        resource_check=_no_public_ip,
        anchors="IG ecs-instance-no-public-ip, ecs-running-instance-no-public-ip",
    ),
    Rule(
        id="alicloud-ecs-metadata-tokens",
        group="security",
        severity="high",
        description="ECS instances, launch templates and ACK node pools require metadata session tokens (httpTokens=required).",
        remediation="Set httpTokens=required (node pools: instanceMetadataOptions.httpTokens).",
        types=(ECS, *TEMPLATES, NODE_POOL),
        resource_check=_metadata_tokens,
        anchors="IG ecs-instance-meta-data-mode-check",
    ),
    Rule(
        id="alicloud-disk-encrypted",
        group="security",
        severity="high",
        description="ECS disks are encrypted: disks, instance system/data disks, launch templates, auto scaling configurations, ACK node pools.",
        remediation="Set encrypted=true / systemDiskEncrypted=true (with a kmsKeyId) on every disk.",
        types=(*DISKS, ECS, *TEMPLATES, NODE_POOL, SCALING),
        resource_check=_disk_encrypted,
        anchors="CKV_ALI_7, IG ecs-disk-encrypted, ecs-launch-template-version-data-disk-encrypted",
    ),
    Rule(
        id="alicloud-lb-tls-policy",
        group="security",
        severity="high",
        description="SLB/ALB/NLB listeners that terminate TLS use a TLS 1.2+ policy; custom ALB policies allow no TLS 1.0/1.1.",
        remediation="Set tlsCipherPolicy/securityPolicyId to tls_cipher_policy_1_2 (or the strict variants).",
        types=(SLB_LISTENER, ALB_LISTENER, NLB_LISTENER, ALB_POLICY),
        resource_check=_tls_policy,
        params={
            "allowedPolicies": [
                "tls_cipher_policy_1_2",
                "tls_cipher_policy_1_2_strict",
                "tls_cipher_policy_1_2_strict_with_1_3",
            ]
        },
        anchors="IG slb-all-listenter-tls-policy-check",
    ),
    Rule(
        id="alicloud-lb-http-redirect",
        group="security",
        severity="high",
        description="Plain-HTTP SLB/ALB listeners only redirect to HTTPS.",
        remediation="SLB: listenerForward=on with forwardPort 443; ALB: an alb.Rule with a Redirect action to HTTPS.",
        types=(SLB_LISTENER, ALB_LISTENER, ALB_RULE),
        stack_check=_http_redirect,
        anchors="IG slb-all-listener-http-redirect-https, slb-listener-https-enabled",
    ),
    Rule(
        id="alicloud-deletion-protection",
        group="availability",
        severity="medium",
        description="ACK clusters, ECS instances and load balancers have deletion protection.",
        remediation="Set deletionProtection=true (SLB: deleteProtection=on; ALB: deletionProtectionEnabled=true).",
        types=(ACK, ECS, *SLB, ALB),
        resource_check=_deletion_protection,
        anchors="IG ecs-instance-deletion-protection-enabled, slb-delete-protection-enabled, alb-delete-protection-enabled",
    ),
]
