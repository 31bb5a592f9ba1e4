"""Reusable Pulumi component resources, one package per capability (network, kubernetes, postgres,
redis, backup, storage, cdn). Inside each: one implementation per cloud beside the others
(`aws.py`, `aws_*.py`); `kubernetes/platform/` is shared by every cloud. Components know nothing
about environments or stacks: each takes one typed, frozen args object with secure defaults and
gets its providers from the caller."""
