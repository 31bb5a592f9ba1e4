"""Secrets Manager rotation of an ElastiCache AUTH token. Runs in AWS Lambda (the function's code
is this file, see aws_rotation.py); nothing here runs in the Pulumi program.

The secret holds `{"authToken", "host", "port", "tls"}` (aws.py). Secrets Manager calls the four
steps in order for the version it rotates to (staged AWSPENDING):

- createSecret: a new random token into AWSPENDING (a pending one left by a failed run is kept);
- setSecret: the group accepts the new token beside the current one (`ROTATE`), so clients that
  still hold the current token keep connecting. ElastiCache keeps at most two tokens and allows
  `SET` only after a `ROTATE`: when an earlier rotation left two (the secret has an AWSPREVIOUS
  version), the current token is first `SET` alone, dropping the one before it;
- testSecret: the group is available again with the new token applied;
- finishSecret: AWSCURRENT moves to the new version.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

GROUP_ENV = "REPLICATION_GROUP_ID"
TOKEN_LENGTH = 64
"""Letters and digits only: every character ElastiCache accepts, no escaping anywhere."""


def lambda_handler(event: dict[str, Any], context: object) -> None:
    boto3 = importlib.import_module("boto3")  # in the Lambda runtime, not in the project
    rotate(
        event, boto3.client("secretsmanager"), boto3.client("elasticache"), os.environ[GROUP_ENV]
    )


@dataclass(frozen=True)
class Rotation:
    arn: str
    version: str
    """The version being rotated to (staged AWSPENDING)."""
    stages: dict[str, list[str]]
    """Every version of the secret -> its stages."""
    secrets: Any
    cache: Any
    group_id: str

    def value(self, stage: str, version: str | None = None) -> dict[str, Any]:
        ref = {"VersionId": version} if version else {}
        text = self.secrets.get_secret_value(SecretId=self.arn, VersionStage=stage, **ref)
        value: dict[str, Any] = json.loads(text["SecretString"])
        return value

    def modify(self, token: str, strategy: str) -> None:
        self.cache.modify_replication_group(ReplicationGroupId=self.group_id, AuthToken=token,
                                            AuthTokenUpdateStrategy=strategy, ApplyImmediately=True)  # fmt: skip
        self.cache.get_waiter("replication_group_available").wait(ReplicationGroupId=self.group_id)


def rotate(event: dict[str, Any], secrets: Any, cache: Any, group_id: str) -> None:
    arn, version, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    meta = secrets.describe_secret(SecretId=arn)
    if not meta.get("RotationEnabled"):
        raise ValueError(f"rotation is not enabled on {arn}")
    stages = meta.get("VersionIdsToStages", {})
    if version not in stages:
        raise ValueError(f"version {version} is not a version of {arn}")
    if "AWSCURRENT" in stages[version]:
        return  # this version is already current: nothing left to do
    if "AWSPENDING" not in stages[version]:
        raise ValueError(f"version {version} of {arn} is not pending rotation")
    if step not in STEPS:
        raise ValueError(f"unknown rotation step {step!r}")
    STEPS[step](Rotation(arn, version, stages, secrets, cache, group_id))


def create_secret(r: Rotation) -> None:
    current = r.value("AWSCURRENT")
    try:
        r.value("AWSPENDING", r.version)
        return
    except r.secrets.exceptions.ResourceNotFoundException:
        pass
    token = r.secrets.get_random_password(PasswordLength=TOKEN_LENGTH, ExcludePunctuation=True)
    r.secrets.put_secret_value(SecretId=r.arn, ClientRequestToken=r.version,
                               SecretString=json.dumps({**current, "authToken": token["RandomPassword"]}),
                               VersionStages=["AWSPENDING"])  # fmt: skip


def set_secret(r: Rotation) -> None:
    if any("AWSPREVIOUS" in s for s in r.stages.values()):
        r.modify(r.value("AWSCURRENT")["authToken"], "SET")
    r.modify(r.value("AWSPENDING", r.version)["authToken"], "ROTATE")


def check_secret(r: Rotation) -> None:
    group = r.cache.describe_replication_groups(ReplicationGroupId=r.group_id)["ReplicationGroups"][
        0
    ]
    if group["Status"] != "available" or not group.get("AuthTokenEnabled"):
        raise RuntimeError(
            f"{r.group_id} is {group['Status']} (AUTH enabled: {group.get('AuthTokenEnabled')})"
        )


def finish_secret(r: Rotation) -> None:
    current = next(v for v, s in r.stages.items() if "AWSCURRENT" in s)
    r.secrets.update_secret_version_stage(SecretId=r.arn, VersionStage="AWSCURRENT",
                                          MoveToVersionId=r.version, RemoveFromVersionId=current)  # fmt: skip


STEPS: dict[str, Callable[[Rotation], None]] = {
    "createSecret": create_secret,
    "setSecret": set_secret,
    "testSecret": check_secret,
    "finishSecret": finish_secret,
}
