"""A NAT instance: the dev-sized alternative to a NAT gateway (~$8 instead of ~$39 a month).

One small Graviton instance in a public subnet with source/destination checks off, forwarding and
masquerading the VPC's traffic; an Elastic IP so the egress address is stable; no SSH (Session
Manager for break-glass access); IMDSv2 only; an encrypted root volume. It is replaced in place
when its host fails: EC2 automatic recovery, plus an alarm that recovers it on a failed system
status check and reboots it on a failed instance check, keeping its ENI, addresses and routes.
Unlike a NAT gateway it is a single point of failure for egress: fine for dev, not for prod.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

import pulumi
from pulumi_aws import cloudwatch, ec2, iam

from components._base import child_opts, merged_tags
from components.aws.identity import AwsContext
from components.aws.policy_docs import assume_role_policy

AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
"""The latest Amazon Linux 2023 arm64 AMI, resolved by EC2 at launch (no AMI id pinned here)."""

_USER_DATA = """#!/bin/bash
set -euo pipefail
dnf install -y nftables
sysctl -w net.ipv4.ip_forward=1
echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/90-nat.conf
iface=$(ip -o route get 1.1.1.1 | awk '{print $5}')
nft add table ip nat
nft 'add chain ip nat postrouting { type nat hook postrouting priority 100 ; }'
nft add rule ip nat postrouting ip saddr {cidr} oifname "$iface" masquerade
nft list ruleset > /etc/sysconfig/nftables.conf
systemctl enable --now nftables
"""


def nat_instance(
    owner: pulumi.Resource,
    name: str,
    *,
    vpc_id: pulumi.Input[str],
    vpc_cidr: str,
    subnet_id: pulumi.Input[str],
    instance_type: str,
    ctx: AwsContext,
    tags: Mapping[str, str],
    depends_on: list[pulumi.Resource],
) -> ec2.Instance:
    """Create the NAT instance under `owner`; route 0.0.0.0/0 to its `primary_network_interface_id`."""
    sg = ec2.SecurityGroup(
        f"{name}-sg",
        vpc_id=vpc_id,
        description=f"NAT instance {name}: forwards the VPC's outbound traffic",
        ingress=[ec2.SecurityGroupIngressArgs(
            protocol="-1", from_port=0, to_port=0, cidr_blocks=[vpc_cidr],
            description="traffic to forward, from inside the VPC only",
        )],
        egress=[ec2.SecurityGroupEgressArgs(
            protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"],
            description="forwarded traffic to the internet",
        )],
        tags=merged_tags(tags, f"{name}-sg"),
        opts=child_opts(owner),
    )  # fmt: skip
    role = iam.Role(
        f"{name}-role",
        assume_role_policy=assume_role_policy("ec2.amazonaws.com"),
        description=f"NAT instance {name}: Session Manager access, nothing else",
        tags=merged_tags(tags, f"{name}-role"),
        opts=child_opts(owner),
    )
    iam.RolePolicyAttachment(
        f"{name}-ssm",
        role=role.name,
        policy_arn=ctx.partition.apply(
            lambda p: f"arn:{p}:iam::aws:policy/AmazonSSMManagedInstanceCore"
        ),
        opts=child_opts(owner),
    )
    profile = iam.InstanceProfile(
        f"{name}-profile", role=role.name, tags=merged_tags(tags, f"{name}-profile"),
        opts=child_opts(owner),
    )  # fmt: skip
    imds = {"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1}
    template = ec2.LaunchTemplate(
        f"{name}-lt",
        image_id=f"resolve:ssm:{AMI_PARAMETER}",
        instance_type=instance_type,
        metadata_options=ec2.LaunchTemplateMetadataOptionsArgs(**imds),
        user_data=base64.b64encode(_USER_DATA.replace("{cidr}", vpc_cidr).encode()).decode(),
        tag_specifications=[ec2.LaunchTemplateTagSpecificationArgs(
            resource_type="volume", tags=merged_tags(tags, f"{name}-root"),
        )],
        tags=merged_tags(tags, f"{name}-lt"),
        opts=child_opts(owner),
    )  # fmt: skip
    instance = ec2.Instance(
        f"{name}-instance",
        launch_template=ec2.InstanceLaunchTemplateArgs(id=template.id, version="$Latest"),
        subnet_id=subnet_id,
        vpc_security_group_ids=[sg.id],
        iam_instance_profile=profile.name,
        source_dest_check=False,
        root_block_device=ec2.InstanceRootBlockDeviceArgs(
            volume_size=8, volume_type="gp3", encrypted=True, delete_on_termination=True
        ),
        metadata_options=ec2.InstanceMetadataOptionsArgs(**imds),
        maintenance_options=ec2.InstanceMaintenanceOptionsArgs(auto_recovery="default"),
        tags=merged_tags(tags, f"{name}-instance"),
        opts=child_opts(owner, depends_on=depends_on),
    )
    ec2.Eip(
        f"{name}-eip",
        domain="vpc",
        instance=instance.id,
        tags=merged_tags(tags, f"{name}-eip"),
        opts=child_opts(owner, depends_on=depends_on),
    )
    for check, action in (("System", "recover"), ("Instance", "reboot")):
        cloudwatch.MetricAlarm(
            f"{name}-{check.lower()}-check",
            alarm_description=f"NAT instance {name}: {action} on a failed {check.lower()} check",
            namespace="AWS/EC2",
            metric_name=f"StatusCheckFailed_{check}",
            dimensions={"InstanceId": instance.id},
            statistic="Maximum",
            period=60,
            evaluation_periods=2,
            threshold=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
            alarm_actions=[
                pulumi.Output.format("arn:aws:automate:{0}:ec2:{1}", ctx.region, action)
            ],
            tags=merged_tags(tags, f"{name}-{check.lower()}-check"),
            opts=child_opts(owner),
        )
    return instance
