"""Account, partition and region of the provider a component runs under, as Outputs.

Invokes go through the component (`parent`), so they use the caller's explicit provider and answer
for the right account and region, not for whatever the ambient credentials point at.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class AwsContext:
    account_id: pulumi.Output[str]
    partition: pulumi.Output[str]
    region: pulumi.Output[str]


def aws_context(parent: pulumi.Resource) -> AwsContext:
    opts = pulumi.InvokeOutputOptions(parent=parent)
    return AwsContext(
        account_id=aws.get_caller_identity_output(opts=opts).account_id,
        partition=aws.get_partition_output(opts=opts).partition,
        region=aws.get_region_output(opts=opts).region,
    )
