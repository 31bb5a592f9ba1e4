"""The AUTH-token rotation handler (components/redis/rotation_handler.py, the Lambda's code), run
against in-memory Secrets Manager and ElastiCache stand-ins that keep the state the real services
would: secret versions with stages, and the tokens the group accepts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.redis.rotation_handler import TOKEN_LENGTH, rotate

ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cache-auth"
GROUP = "acme-prod-cache"


class NotFoundError(Exception):
    pass


class FakeSecrets:
    """Keyword arguments as boto3 takes them."""

    class exceptions:  # noqa: N801 (boto3's shape: client.exceptions.ResourceNotFoundException)
        ResourceNotFoundException = NotFoundError

    def __init__(self, token: str) -> None:
        self.values = {
            "v1": json.dumps({"authToken": token, "host": "h", "port": 6379, "tls": True})
        }
        self.stages: dict[str, list[str]] = {"v1": ["AWSCURRENT"]}
        self.generated = 0

    def describe_secret(self, **kw: Any) -> dict[str, Any]:
        stages = {k: list(v) for k, v in self.stages.items()}
        return {"RotationEnabled": True, "VersionIdsToStages": stages}

    def get_secret_value(self, **kw: Any) -> dict[str, Any]:
        for version, stages in self.stages.items():
            found = kw["VersionStage"] in stages and kw.get("VersionId") in (None, version)
            if found and version in self.values:  # a staged version has no value until put
                return {"SecretString": self.values[version]}
        raise NotFoundError(kw["VersionStage"])

    def get_random_password(self, **kw: Any) -> dict[str, str]:
        assert kw["ExcludePunctuation"]
        self.generated += 1
        return {"RandomPassword": f"T{self.generated}".ljust(kw["PasswordLength"], "x")}

    def put_secret_value(self, **kw: Any) -> None:
        self.values[kw["ClientRequestToken"]] = kw["SecretString"]
        self.stages[kw["ClientRequestToken"]] = list(kw["VersionStages"])

    def update_secret_version_stage(self, **kw: Any) -> None:
        old, new, stage = kw["RemoveFromVersionId"], kw["MoveToVersionId"], kw["VersionStage"]
        for stages in self.stages.values():
            if "AWSPREVIOUS" in stages:
                stages.remove("AWSPREVIOUS")
        self.stages[old] = [s for s in self.stages[old] if s != stage] + ["AWSPREVIOUS"]
        self.stages[new] = [s for s in self.stages[new] if s != "AWSPENDING"] + [stage]


class FakeCache:
    """ElastiCache's AUTH rules: at most two tokens; SET only right after a ROTATE."""

    def __init__(self, token: str) -> None:
        self.tokens = [token]
        self.last_strategy: str | None = None
        self.calls: list[tuple[str, str]] = []
        self.status = "available"

    def modify_replication_group(self, **kw: Any) -> None:
        assert kw["ReplicationGroupId"] == GROUP and kw["ApplyImmediately"]
        strategy, token = kw["AuthTokenUpdateStrategy"], kw["AuthToken"]
        self.calls.append((strategy, token))
        if strategy == "ROTATE":
            if len(self.tokens) == 2:
                raise RuntimeError("InvalidParameterValue: two tokens already")
            self.tokens.append(token)
        else:
            if self.last_strategy != "ROTATE" or token not in self.tokens:
                raise RuntimeError("InvalidParameterCombination: SET is allowed only after ROTATE")
            self.tokens = [token]
        self.last_strategy = strategy

    def get_waiter(self, name: str) -> Any:
        assert name == "replication_group_available"
        return self

    def wait(self, **kw: Any) -> None:
        assert kw["ReplicationGroupId"] == GROUP

    def describe_replication_groups(self, **kw: Any) -> dict[str, Any]:
        return {"ReplicationGroups": [{"Status": self.status, "AuthTokenEnabled": True}]}


def _rotate(secrets: FakeSecrets, cache: FakeCache, version: str) -> None:
    for step in ("createSecret", "setSecret", "testSecret", "finishSecret"):
        if step == "createSecret":
            secrets.stages.setdefault(version, ["AWSPENDING"])  # Secrets Manager stages it first
        rotate(
            {"SecretId": ARN, "ClientRequestToken": version, "Step": step}, secrets, cache, GROUP
        )


def _current(secrets: FakeSecrets) -> str:
    value = secrets.get_secret_value(SecretId=ARN, VersionStage="AWSCURRENT")["SecretString"]
    return str(json.loads(value)["authToken"])


def test_rotations_keep_clients_connected_and_the_group_at_two_tokens() -> None:
    secrets, cache = FakeSecrets("initial"), FakeCache("initial")
    _rotate(secrets, cache, "v2")
    first = _current(secrets)
    assert len(first) == TOKEN_LENGTH and first != "initial"
    assert cache.tokens == ["initial", first]  # a client still holding the old token connects
    assert cache.calls == [("ROTATE", first)]  # SET is not allowed before a ROTATE
    _rotate(secrets, cache, "v3")
    second = _current(secrets)
    assert cache.calls[1:] == [("SET", first), ("ROTATE", second)]
    assert cache.tokens == [first, second]
    stored = json.loads(
        secrets.get_secret_value(SecretId=ARN, VersionStage="AWSCURRENT")["SecretString"]
    )
    assert stored == {"authToken": second, "host": "h", "port": 6379, "tls": True}


def test_a_retried_create_keeps_the_pending_token() -> None:
    secrets = FakeSecrets("initial")
    secrets.stages["v2"] = ["AWSPENDING"]
    event = {"SecretId": ARN, "ClientRequestToken": "v2", "Step": "createSecret"}
    rotate(event, secrets, FakeCache("initial"), GROUP)
    pending = secrets.values["v2"]
    rotate(event, secrets, FakeCache("initial"), GROUP)
    assert secrets.values["v2"] == pending and secrets.generated == 1


def test_a_current_version_is_left_alone_and_strangers_are_refused() -> None:
    secrets, cache = FakeSecrets("initial"), FakeCache("initial")
    rotate(
        {"SecretId": ARN, "ClientRequestToken": "v1", "Step": "setSecret"}, secrets, cache, GROUP
    )
    assert cache.calls == []
    with pytest.raises(ValueError, match="not a version"):
        rotate(
            {"SecretId": ARN, "ClientRequestToken": "v9", "Step": "setSecret"},
            secrets,
            cache,
            GROUP,
        )
    secrets.stages["v2"] = ["AWSPENDING"]
    with pytest.raises(ValueError, match="unknown rotation step"):
        rotate(
            {"SecretId": ARN, "ClientRequestToken": "v2", "Step": "dropTable"},
            secrets,
            cache,
            GROUP,
        )


def test_the_test_step_fails_while_the_group_is_not_available() -> None:
    secrets, cache = FakeSecrets("initial"), FakeCache("initial")
    secrets.stages["v2"] = ["AWSPENDING"]
    cache.status = "modifying"
    with pytest.raises(RuntimeError, match="modifying"):
        rotate(
            {"SecretId": ARN, "ClientRequestToken": "v2", "Step": "testSecret"},
            secrets,
            cache,
            GROUP,
        )
