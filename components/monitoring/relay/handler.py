"""AWS Lambda entry point of the alert relay (see format.py for what it posts).

Subscribed to the severity topics that have chat channels. The targets (webhook URLs, DingTalk
signing secrets) are read from a KMS-encrypted Secrets Manager secret, never from the environment:

    {"topics": {"<topic arn>": {"severity": "P0",
                                "targets": [{"name": "ops", "kind": "dingtalk",
                                             "url": "https://...", "secret": "SEC..."}]}}}

A record whose posts fail raises after every target was tried, so Lambda retries the event (SNS
invokes asynchronously) and finally sends it to the on-failure destination. A retry posts again to
the targets that succeeded: a chat may see a message twice, never zero times silently.
"""

from __future__ import annotations

import importlib
import json
import os
import time
from collections.abc import Mapping
from typing import Any

from .deliver import Post, RelayError, http_post, post_note
from .format import parse

SECRET_ENV = "RELAY_SECRET_ARN"  # noqa: S105  (the variable's name, not a secret)
CACHE_SECONDS = 300
"""A changed webhook URL reaches a warm function within five minutes."""

_cache: dict[str, tuple[float, Mapping[str, Any]]] = {}
__all__ = ["RelayError", "lambda_handler", "relay"]


def lambda_handler(event: Mapping[str, Any], context: object) -> dict[str, int]:
    boto3 = importlib.import_module("boto3")  # in the Lambda runtime, not in the project
    routes = _routes(boto3.client("secretsmanager"), os.environ[SECRET_ENV])
    return {"delivered": len(relay(event, routes, http_post, now_ms=int(time.time() * 1000)))}


def relay(
    event: Mapping[str, Any], routes: Mapping[str, Any], post: Post, *, now_ms: int
) -> list[str]:
    """Post every SNS record of `event` to its topic's targets; the names delivered to. Raises
    RelayError naming each failed target (never its URL) after trying them all."""
    delivered, failed = [], []
    for record in event.get("Records", []):
        topic = routes["topics"].get(record["Sns"]["TopicArn"])
        if topic is None:
            failed.append(f"{record['Sns']['TopicArn']}: not a topic of this relay")
            continue
        note = parse(record, str(topic["severity"]))
        done, errors = post_note(note, topic["targets"], post, now_ms=now_ms)
        delivered += done
        failed += errors
    if failed:
        raise RelayError("; ".join(failed))
    return delivered


def _routes(secrets: Any, arn: str) -> Mapping[str, Any]:
    cached = _cache.get(arn)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    value: Mapping[str, Any] = json.loads(secrets.get_secret_value(SecretId=arn)["SecretString"])
    _cache[arn] = (time.monotonic(), value)
    return value
