"""Compute rules: instance metadata service v2 only, and no public IPs on instances."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .core import Rule, Subject, as_list, get, known, need, truthy

INSTANCE = "aws:ec2/instance:Instance"
SPOT = "aws:ec2/spotInstanceRequest:SpotInstanceRequest"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
LAUNCH_CONFIG = "aws:ec2/launchConfiguration:LaunchConfiguration"
METADATA_DEFAULTS = "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults"
IMAGE_BUILDER = "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration"
NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
DEFAULT_SUBNET = "aws:ec2/defaultSubnet:DefaultSubnet"
EIP = "aws:ec2/eip:Eip"
EIP_ASSOCIATION = "aws:ec2/eipAssociation:EipAssociation"
ECS_SERVICE = "aws:ecs/service:Service"
SPOT_FLEET = "aws:ec2/spotFleetRequest:SpotFleetRequest"
"""Its inline launchSpecifications take no metadata options (only launchTemplateConfigs do)."""
LISTED_LAUNCH_SETTINGS = {LAUNCH_TEMPLATE: "networkInterfaces", SPOT_FLEET: "launchSpecifications"}
"""Type -> list whose entries may each ask for a public IP."""

METADATA_OPTIONS = {
    INSTANCE: "metadataOptions",
    SPOT: "metadataOptions",
    LAUNCH_TEMPLATE: "metadataOptions",
    LAUNCH_CONFIG: "metadataOptions",
    IMAGE_BUILDER: "instanceMetadataOptions",
}
"""Type -> property holding httpTokens / httpEndpoint / httpPutResponseHopLimit."""


def _imdsv2(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == NOTEBOOK:
        path = "instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion"
        if str(need(p, path) or "1") != "2":
            yield "minimumInstanceMetadataServiceVersion is not 2 (IMDSv1 answers)"
        return
    if subject.type == SPOT_FLEET:
        specs = as_list(need(p, "launchSpecifications"), "launchSpecifications")
        for i, _ in enumerate(specs):
            yield f"launchSpecifications[{i}] cannot require IMDSv2 tokens; use launchTemplateConfigs with a launch template that does"
        return
    if subject.type == METADATA_DEFAULTS:
        options: Any = p
        where = ""
    else:
        where = f"{METADATA_OPTIONS[subject.type]}."
        options = need(p, METADATA_OPTIONS[subject.type])
        if options is None and subject.type in (INSTANCE, SPOT) and get(p, "launchTemplate"):
            return  # the launch template's own options apply (and are checked on it)
        options = options or {}
    if known(get(options, "httpEndpoint"), f"{where}httpEndpoint") == "disabled":
        return
    tokens = known(get(options, "httpTokens"), f"{where}httpTokens")
    if subject.type == METADATA_DEFAULTS:
        if tokens == "optional":
            yield "account default httpTokens=optional allows IMDSv1"
    elif tokens != "required":
        yield f"{where}httpTokens={tokens or 'unset (optional)'}: IMDSv1 answers unauthenticated requests (SSRF steals the role's credentials)"
    hops = known(get(options, "httpPutResponseHopLimit"), f"{where}httpPutResponseHopLimit")
    if hops is not None and int(hops) > params["maxHopLimit"]:
        yield f"{where}httpPutResponseHopLimit={hops} exceeds {params['maxHopLimit']}: containers on the host reach the instance role"


def _no_public_ip(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in (INSTANCE, SPOT, LAUNCH_CONFIG):
        if truthy(need(p, "associatePublicIpAddress")):
            yield "associatePublicIpAddress=true"
    elif subject.type in LISTED_LAUNCH_SETTINGS:
        prop = LISTED_LAUNCH_SETTINGS[subject.type]
        for i, item in enumerate(as_list(need(p, prop), prop)):
            path = f"{prop}[{i}].associatePublicIpAddress"
            if truthy(known(get(item, "associatePublicIpAddress"), path)):
                yield f"{path}=true"
    elif subject.type == DEFAULT_SUBNET:
        if need(p, "mapPublicIpOnLaunch") not in (False, "false"):
            yield "the default subnet keeps mapPublicIpOnLaunch (true by default); set it to false"
    elif subject.type == EIP:
        if get(p, "instance"):
            yield "attaches an Elastic IP to an instance"
    elif subject.type == ECS_SERVICE:
        if truthy(need(p, "networkConfiguration.assignPublicIp")):
            yield "networkConfiguration.assignPublicIp=true gives every task a public IP"
    elif get(p, "instanceId"):
        yield "associates an Elastic IP with an instance"


RULES = [
    Rule(
        id="ec2-imdsv2-required",
        group="security",
        severity="high",
        description="Instances, spot requests and fleets, launch templates/configurations, Image Builder and notebooks require IMDSv2 tokens with a hop limit of maxHopLimit.",
        remediation="Set metadataOptions {httpTokens: required, httpPutResponseHopLimit: 1} (or httpEndpoint: disabled).",
        types=(*METADATA_OPTIONS, METADATA_DEFAULTS, NOTEBOOK, SPOT_FLEET),
        resource_check=_imdsv2,
        params={"maxHopLimit": 1},
        anchors="CKV_AWS_79/341/371, Security Hub EC2.8",
    ),
    Rule(
        id="ec2-no-public-ip",
        group="security",
        severity="high",
        description="Instances and ECS tasks get no public IP (launch settings, Elastic IPs, default subnets); they sit behind load balancers or NAT.",
        remediation="Set associatePublicIpAddress=false, keep instances in private subnets; reach them through SSM Session Manager.",
        types=(
            INSTANCE,
            SPOT,
            SPOT_FLEET,
            LAUNCH_CONFIG,
            LAUNCH_TEMPLATE,
            DEFAULT_SUBNET,
            EIP,
            EIP_ASSOCIATION,
            ECS_SERVICE,
        ),
        resource_check=_no_public_ip,
        anchors="CKV_AWS_88/333/389, Security Hub EC2.9/EC2.15",
    ),
]
