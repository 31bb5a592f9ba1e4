"""Shapes of AWS identifiers that the config checks and the components share."""

from __future__ import annotations

import re

ROUTE53_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,32}$")
"""A Route 53 hosted zone id (`Z0123456789ABCDEFGHIJ`)."""
IAM_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
"""An IAM role ARN, any partition (`arn:aws:iam::123456789012:role/ops/admin`)."""
