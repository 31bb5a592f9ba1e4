"""`groundwork:tags`: ownership tags put on every taggable resource, valid on AWS and Alibaba Cloud."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from infra.sections.base import Section

# The intersection of both clouds' rules: AWS allows these characters, Alibaba caps values at 128
# characters and reserves the `aliyun` and `acs:` prefixes; AWS reserves `aws:`.
_TAG_CHARS = re.compile(r"^[\w .:/=+\-@]*$")
_RESERVED_PREFIXES = ("aws:", "aliyun", "acs:")


def check_tag(key: str, value: str) -> None:
    """Raise ValueError unless `key=value` is a valid tag on both clouds."""
    if not 1 <= len(key) <= 128:
        raise ValueError(f"tag key '{key}' must be 1 to 128 characters")
    if len(value) > 128:
        raise ValueError(f"tag '{key}' value must be at most 128 characters")
    if key.lower().startswith(_RESERVED_PREFIXES):
        raise ValueError(
            f"tag key '{key}' uses a reserved prefix ({', '.join(_RESERVED_PREFIXES)})"
        )
    for text in (key, value):
        if not _TAG_CHARS.match(text) or "http://" in text or "https://" in text:
            raise ValueError(
                f"tag '{key}': '{text}' may only contain letters, digits, spaces and _ . : / = + - @"
            )


class Tags(Section):
    owner: str = Field(min_length=1)
    """Team accountable for the stack (tag `owner`)."""
    cost_center: str = Field(min_length=1)
    """Cost center the spend is booked to (tag `cost-center`)."""
    extra: dict[str, str] = Field(default_factory=dict, max_length=10)
    """Further tags (at most 10: Alibaba allows 20 tags per resource and the components add their
    own), merged under the required ones."""

    @field_validator("owner", "cost_center")
    @classmethod
    def _valid_value(cls, value: str) -> str:
        check_tag("value", value)
        return value

    @field_validator("extra")
    @classmethod
    def _valid_extra(cls, extra: dict[str, str]) -> dict[str, str]:
        for key, value in extra.items():
            check_tag(key, value)
        return extra
