"""The alert relay on Alibaba Cloud: one Function Compute 3.0 function that CloudMonitor alarm
rules invoke directly (the rule's target is the function's ARN, no endpoint anyone can call) and
that posts each alarm to the severity's Slack, WeCom and signed DingTalk robots in their own
format (relay/format.py, the same formatter as the AWS relay).

CloudMonitor's contact groups deliver email, SMS and unsigned DingTalk robots themselves; those
stay native. WeCom and Slack need their own message format and a signed DingTalk robot a
signature, which CloudMonitor cannot give: without the relay no alarm reaches them.

The webhook URLs are never in clear in the function's configuration: the stack encrypts the
targets document with a KMS key (`kms.Ciphertext`) and the environment holds only that
ciphertext; the function's role may decrypt with that one key and write its own logstore, nothing
else. Why not KMS Secrets Manager: a secret must be encrypted with a key of the same KMS instance,
and a stack with `kms.keys: default` (dev-cn) has no instance; a ciphertext works with both
placements. Function Compute retries a failed asynchronous invocation twice within an hour; an
alarm on the function's errors (`relay.delivery-failed`, P1) tells the contact groups.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi
import pulumi_random as random
from pulumi_alicloud import fc, kms, ram

from components._base import child_opts, type_token
from components.alicloud.data_tier import data_key
from components.monitoring import (
    AlarmSpec,
    AlertRouting,
    Severity,
    chat_target,
)
from components.monitoring import relay as relay_code
from components.monitoring.alicloud import AlarmWiring, emit_alarms
from components.monitoring.alicloud_relay_spec import (
    AlertRelayArgs,
    cluster_chats,
    relayed_chats,
    validate,
)
from components.monitoring.relay import alicloud_handler

CODE_DIR = Path(relay_code.__file__).parent
CODE_FILES = ("__init__.py", "alicloud_handler.py", "deliver.py", "format.py")
RUNTIME = "python3.10"
HANDLER = "relay.alicloud_handler.handler"
RETRIES = 2
MAX_EVENT_AGE_SECONDS = 3600
"""An alert older than an hour is dropped (and counted as an error) rather than posted late."""
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
"""Fixed timestamps: the same code gives the same package, so a plan shows no change."""


def targets_document(routing: AlertRouting, token: Any = None) -> dict[str, Any]:
    """What the function decrypts (relay/alicloud_handler.py): each severity's chat targets for
    CloudMonitor's alarms and, with the in-cluster endpoint (`token`), for Alertmanager's."""

    def targets(chats: Mapping[Severity, list[str]]) -> dict[str, Any]:
        return {s: [chat_target(routing, n) for n in names] for s, names in chats.items()}

    document: dict[str, Any] = {"severities": targets(relayed_chats(routing))}
    if token is not None:
        document |= {"cluster": targets(cluster_chats(routing)), "token": token}
    return document


def code_package() -> str:
    """The function's code: the relay package's files, zipped reproducibly, base64 (FC 3.0 takes
    a ZIP, not a Pulumi asset)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in CODE_FILES:
            info = zipfile.ZipInfo(f"relay/{name}", date_time=_ZIP_TIME)
            info.external_attr = 0o644 << 16
            archive.writestr(info, (CODE_DIR / name).read_text(), zipfile.ZIP_DEFLATED)
    return base64.b64encode(buffer.getvalue()).decode()


def failure_alarm(function_name: str, region: str) -> list[AlarmSpec]:
    return [
        AlarmSpec(
            key="delivery-failed",
            namespace="acs_fc",
            metric="FunctionFunctionErrors",
            dimensions={"region": region, "functionName": function_name},
            statistic="Sum",
            comparison=">",
            threshold=0,
            severity="P1",
            evaluation_periods=1,
            period_seconds=60,
            description="Alert relay: chat notifications failed (after Function Compute's retries)",
        )
    ]


class AlertRelay(pulumi.ComponentResource):
    """The relay function, its encrypted targets, its role and retry policy, and its alarm."""

    function_arn: pulumi.Output[str]
    cluster_url: pulumi.Output[str] | None = None
    """The HTTP trigger's VPC endpoint the Alertmanager posts to (None without `cluster_vpc_id`)."""
    cluster_token: pulumi.Output[str] | None = None
    """The bearer token it sends (a generated secret)."""

    def __init__(
        self, name: str, args: AlertRelayArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("monitoring", "AlertRelay", cloud="alicloud"), name, None, opts)
        validate(args)
        key_id: pulumi.Input[str] = (
            args.kms_key_id
            if args.kms_key_id is not None
            else data_key(self, name, instance_id=args.kms_instance_id, tags=args.tags,
                          protect=args.protect_stateful,
                          description=f"{name}: encrypts the chat targets").id
        )  # fmt: skip
        token = None
        if args.cluster_vpc_id is not None:
            token = random.RandomPassword(f"{name}-token", length=40, special=False,
                                          opts=child_opts(self)).result  # fmt: skip
        rendered: pulumi.Output[str] = pulumi.Output.from_input(
            targets_document(args.routing, token)
        ).apply(lambda d: json.dumps(d, sort_keys=True))
        document: pulumi.Output[str] = pulumi.Output.secret(rendered)
        ciphertext = kms.Ciphertext(
            f"{name}-targets",
            key_id=key_id,
            plaintext=document,
            encryption_context={"purpose": "alert-relay"},
            opts=child_opts(self),
        )
        role = ram.Role(
            f"{name}-role",
            role_name=f"{name}-role"[:64],
            assume_role_policy_document=trust_policy(),
            description="Alert relay function: decrypts its targets, writes its logs",
            tags=dict(args.tags),
            opts=child_opts(self),
        )
        account = args.account_id or "*"
        policy = ram.Policy(
            f"{name}-policy",
            policy_name=f"{name}-policy"[:128],
            policy_document=pulumi.Output.all(key_id, args.log_project, args.logstore).apply(
                lambda v: role_policy(args.region, account, str(v[0]), str(v[1]), str(v[2]))
            ),
            description="Decrypt the relay's targets with its key; write its logstore",
            opts=child_opts(self),
        )
        attachment = ram.RolePolicyAttachment(
            f"{name}-attachment",
            policy_name=policy.policy_name,
            policy_type="Custom",
            role_name=role.role_name,
            opts=child_opts(self),
        )
        function_name = name[:64]
        function = fc.V3Function(
            name,
            function_name=function_name,
            description="Posts CloudMonitor alarms to Slack, WeCom and signed DingTalk robots",
            runtime=RUNTIME,
            handler=HANDLER,
            code={"zip_file": code_package()},
            role=role.arn,
            cpu=0.05,
            memory_size=128,
            disk_size=512,
            timeout=60,  # the key and three chats at most 10 s each
            internet_access=True,  # the chats' webhooks are on the internet
            # The ciphertext only: the URLs are never in the function's configuration.
            environment_variables={
                alicloud_handler.TARGETS_ENV: ciphertext.ciphertext_blob,
                alicloud_handler.REGION_ENV: args.region,
            },
            log_config={
                "project": args.log_project,
                "logstore": args.logstore,
                "enable_request_metrics": True,
            },
            tags=dict(args.tags),
            opts=child_opts(self, depends_on=[attachment]),
        )
        fc.V3AsyncInvokeConfig(
            f"{name}-async",
            function_name=function.function_name,
            max_async_retry_attempts=RETRIES,
            max_async_event_age_in_seconds=MAX_EVENT_AGE_SECONDS,
            opts=child_opts(self),
        )
        self.function_arn = function.function_arn
        if args.cluster_vpc_id is not None and token is not None:
            self._cluster_endpoint(name, function, args.cluster_vpc_id, token)
        if args.alarms is not None:  # the failure alarm goes to contacts, never to the relay
            wiring = AlarmWiring(contact_groups=args.alarms.contact_groups,
                                 webhooks=args.alarms.webhooks, policy=args.alarms.policy)  # fmt: skip
            emit_alarms(self, name, "relay", failure_alarm(function_name, args.region), wiring)
        self.register_outputs({"functionArn": self.function_arn})

    def _cluster_endpoint(
        self,
        name: str,
        function: fc.V3Function,
        vpc_id: pulumi.Input[str],
        token: pulumi.Output[str],
    ) -> None:
        """An HTTP trigger for the in-cluster Alertmanager: no public URL (`disableURLInternet`:
        the internet gets 403), invocable from the cluster's VPC only (a VPC binding), and the
        function answers 401 without the bearer token."""
        binding = fc.V3VpcBinding(f"{name}-vpc", function_name=function.function_name,
                                  vpc_id=vpc_id, opts=child_opts(self))  # fmt: skip
        trigger = fc.V3Trigger(
            f"{name}-http",
            function_name=function.function_name,
            trigger_name="alertmanager",
            trigger_type="http",
            qualifier="LATEST",
            trigger_config=json.dumps(HTTP_TRIGGER_CONFIG, sort_keys=True),
            description="The in-cluster Alertmanager's webhooks (VPC only, bearer token)",
            opts=child_opts(self, depends_on=[binding]),
        )
        self.cluster_url = trigger.http_trigger.apply(lambda h: h.url_intranet if h else None)
        self.cluster_token = pulumi.Output.secret(token)


HTTP_TRIGGER_CONFIG = {"authType": "anonymous", "methods": ["POST"], "disableURLInternet": True}
"""No Function Compute signature (Alertmanager cannot sign), but no public URL either: the
caller must be in the bound VPC and present the bearer token the function checks."""


def trust_policy() -> str:
    statement = {"Action": "sts:AssumeRole", "Effect": "Allow",
                 "Principal": {"Service": ["fc.aliyuncs.com"]}}  # fmt: skip
    return json.dumps({"Version": "1", "Statement": [statement]}, sort_keys=True)


def role_policy(region: str, account: str, key_id: str, project: str, logstore: str) -> str:
    statements = [
        {"Effect": "Allow", "Action": ["kms:Decrypt"],
         "Resource": [f"acs:kms:{region}:{account}:key/{key_id}"]},
        {"Effect": "Allow", "Action": ["log:PostLogStoreLogs"],
         "Resource": [f"acs:log:{region}:{account}:project/{project}/logstore/{logstore}"]},
    ]  # fmt: skip
    return json.dumps({"Version": "1", "Statement": statements}, sort_keys=True)
