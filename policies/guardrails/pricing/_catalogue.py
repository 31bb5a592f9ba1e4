"""The catalogue file and the small API pricers use to read it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..core import Subject, is_unknown

CATALOGUE_PATH = Path(__file__).with_name("catalogue.json")
CATALOGUES = {"aws": CATALOGUE_PATH, "alicloud": Path(__file__).with_name("alicloud.json")}
"""Each cloud's catalogue, in the currency of its regions' price lists."""


@cache
def catalogue(cloud: str = "aws") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CATALOGUES[cloud].read_text())
    return data


def currency(cloud: str, region: str) -> str:
    """The currency of a region's price list (AWS: USD everywhere; Alibaba Cloud: per region,
    CNY on the China site's mainland regions)."""
    cat = catalogue(cloud)
    if "currency" in cat:
        return str(cat["currency"])
    found = cat["currencies"].get(region)
    if found is None:
        raise Unpriced(f"no {cloud} price list for region {region} in the catalogue")
    return str(found)


def commitment(name: str, cloud: str = "aws") -> dict[str, Any]:
    found: dict[str, Any] = catalogue(cloud)["commitments"][name]
    return found


class Unpriced(Exception):  # noqa: N818 (a result, not a failure of the estimator)
    pass


@dataclass(frozen=True)
class Priced:
    """One resource's monthly price on demand, and which of it a 1-year commitment discounts."""

    monthly: float
    detail: str
    commitment: str | None = None
    """Key in the catalogue's `commitments` (None: nothing of it can be committed)."""
    eligible: float = 0.0
    """The part of `monthly` that commitment discounts (instance hours, not storage)."""


class Pricer:
    def __init__(self, region: str, subjects: Sequence[Subject], cloud: str = "aws") -> None:
        self.cloud = cloud
        """Whose catalogue prices this resource (a Kubernetes object: its cluster's cloud)."""
        self.cat = catalogue(cloud)
        self.region = region
        self.subjects = subjects

    def price(self, key: str) -> float:
        """Monthly price of one unit of a catalogue item (hourly items x hours per month)."""
        item = self.cat["items"].get(key)
        if item is None or self.region not in item["prices"]:
            raise Unpriced(f"no catalogue price for {key} in {self.region}")
        value = float(item["prices"][self.region])
        return value * self.cat["hoursPerMonth"] if item["unit"] == "hour" else value

    def number(self, value: Any, default: float) -> float:
        if value is None or is_unknown(value):
            return default
        return float(value)

    def of_type(self, *types: str) -> list[Subject]:
        return [s for s in self.subjects if s.type in types]
