"""The IAM evaluator the trust-policy tests and the `iam-oidc-trust-scoped` rule rely on, checked
against the evaluation rules of the IAM documentation (condition operators, missing keys,
IfExists, set operators, explicit deny, NotAction/NotResource)."""

from __future__ import annotations

from typing import Any

import pytest

from policies.guardrails.iam import UnsupportedConditionError, allows, condition_matches


@pytest.mark.parametrize(
    ("operator", "expected", "context", "result"),
    [
        ("StringEquals", "a", {"k": "a"}, True),
        ("StringEquals", "a", {"k": "A"}, False),  # case-sensitive
        ("StringEqualsIgnoreCase", "a", {"k": "A"}, True),
        ("StringEquals", ["x", "a"], {"k": "a"}, True),  # values of one key are ORed
        ("StringNotEquals", ["x", "a"], {"k": "a"}, False),  # ...and NORed when negated
        ("StringNotEquals", ["x", "y"], {"k": "a"}, True),
        ("StringLike", "repo:o/r:*", {"k": "repo:o/r:ref:refs/heads/x/y"}, True),  # * spans /
        ("StringLike", "repo:o/r:?", {"k": "repo:o/r:ab"}, False),  # ? is one character
        ("StringLike", "a[b]c", {"k": "abc"}, False),  # no character classes in IAM
        ("StringLike", "a[b]c", {"k": "a[b]c"}, True),
        ("StringEquals", "a", {}, False),  # a missing key never matches...
        ("StringNotEquals", "a", {}, False),  # ...not even a negated operator
        ("StringEqualsIfExists", "a", {}, True),  # except with IfExists
        ("StringEqualsIfExists", "a", {"k": "b"}, False),
        ("Bool", "true", {"k": "true"}, True),
        ("Bool", "true", {"k": True}, True),
        ("Bool", "true", {"k": "false"}, False),
        ("NumericLessThan", "3600", {"k": "600"}, True),
        ("NumericLessThan", "3600", {"k": "3600"}, False),
        ("ArnLike", "arn:aws:iam::*:role/x-*", {"k": "arn:aws:iam::1:role/x-y"}, True),
        ("ForAnyValue:StringEquals", "a", {"k": ["b", "a"]}, True),
        ("ForAllValues:StringEquals", "a", {"k": ["b", "a"]}, False),
        ("ForAllValues:StringEquals", ["a", "b"], {"k": ["b", "a"]}, True),
        ("ForAllValues:StringEquals", "a", {}, True),  # vacuously true on a missing key
        ("ForAnyValue:StringEquals", "a", {}, False),
    ],
)
def test_condition_operators(
    operator: str, expected: Any, context: dict[str, Any], result: bool
) -> None:
    assert condition_matches(operator, "k", expected, context) is result


def test_condition_keys_are_case_insensitive_and_null_tests_presence() -> None:
    assert condition_matches("StringEquals", "AWS:SourceAccount", "1", {"aws:sourceaccount": "1"})
    assert condition_matches("Null", "k", "true", {})
    assert not condition_matches("Null", "k", "true", {"k": "v"})
    assert condition_matches("Null", "k", "false", {"k": "v"})


def test_an_unknown_operator_is_an_error_not_a_verdict() -> None:
    with pytest.raises(UnsupportedConditionError):
        condition_matches("IpAddress", "aws:SourceIp", "10.0.0.0/8", {"aws:SourceIp": "10.1.1.1"})


TRUST = {
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/issuer"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"issuer:aud": "sts.amazonaws.com"},
                "StringLike": {"issuer:sub": ["repo:o/r:*"]},
            },
        }
    ]
}
FED = {"Federated": "arn:aws:iam::1:oidc-provider/issuer"}


def test_all_operators_and_keys_of_a_statement_must_hold() -> None:
    ok = {"issuer:aud": "sts.amazonaws.com", "issuer:sub": "repo:o/r:pull_request"}
    assert allows(TRUST, "sts:AssumeRoleWithWebIdentity", FED, ok)
    assert not allows(TRUST, "sts:AssumeRoleWithWebIdentity", FED, {**ok, "issuer:aud": "x"})
    assert not allows(TRUST, "sts:AssumeRoleWithWebIdentity", FED, {"issuer:sub": ok["issuer:sub"]})
    assert not allows(TRUST, "sts:AssumeRole", FED, ok)  # another action
    assert not allows(TRUST, "sts:AssumeRoleWithWebIdentity", {"Federated": "arn:other"}, ok)


def test_explicit_deny_wins_and_not_action_not_resource_invert() -> None:
    policy = {
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "NotAction": ["s3:GetObject"], "Resource": "arn:aws:s3:::state/*"},
            {"Effect": "Deny", "Action": "s3:DeleteBucket", "NotResource": "arn:aws:s3:::scratch"},
        ]
    }
    assert allows(policy, "s3:GetObject", resource="arn:aws:s3:::state/a")
    assert not allows(policy, "s3:PutObject", resource="arn:aws:s3:::state/a")
    assert allows(policy, "s3:PutObject", resource="arn:aws:s3:::other/a")
    assert allows(policy, "s3:DeleteBucket", resource="arn:aws:s3:::scratch")
    assert not allows(policy, "s3:DeleteBucket", resource="arn:aws:s3:::other")
    assert not allows(policy, "ec2:RunInstances", resource="*")  # nothing allows it
