"""Pricers for WAF 3.0 (pay-as-you-go, billed in SeCU per hour): the instance, the CNAME-mode
domain, and the protection features WAF counts (core web protection templates, custom/CC rules,
IP blacklist rules), from alicloud.json. Requests are usage. Merged into ALICLOUD_PRICERS."""

from __future__ import annotations

from collections.abc import Callable

from ..core import Subject, get, is_unknown
from ._catalogue import Priced, Pricer, Unpriced

EdgePricer = Callable[[Pricer, Subject], Priced | None]
PRICED_TEMPLATE_SCENES = ("waf_base",)
"""Templates WAF bills by count; other scenes bill per rule (their template is free)."""
PRICED_RULE_SCENES = ("custom_acl", "ip_blacklist")


def _scene(s: Subject) -> str:
    scene = get(s.props, "defenseScene")
    if not scene or is_unknown(scene):
        raise Unpriced("defenseScene unknown")
    return str(scene)


def _instance(p: Pricer, s: Subject) -> Priced:
    return Priced(p.price("waf3Instance"), "WAF 3.0 pay-as-you-go instance fee x 730 h")


def _domain(p: Pricer, s: Subject) -> Priced:
    if get(s.props, "accessType") not in (None, "share"):
        raise Unpriced(f"access type {get(s.props, 'accessType')!r} not in the catalogue")
    return Priced(p.price("waf3CnameDomain"),
                  "1 CNAME-mode domain (HTTPS) x 730 h (requests are usage)")  # fmt: skip


def _template(p: Pricer, s: Subject) -> Priced | None:
    scene = _scene(s)
    if scene not in PRICED_TEMPLATE_SCENES:
        return None
    return Priced(p.price(f"waf3Template:{scene}"), f"1 {scene} protection template x 730 h")


def _rule(p: Pricer, s: Subject) -> Priced | None:
    scene = _scene(s)
    if scene in PRICED_TEMPLATE_SCENES:
        return None  # billed as its template
    if scene not in PRICED_RULE_SCENES:
        raise Unpriced(f"WAF rules of scene {scene!r} not in the catalogue")
    return Priced(p.price(f"waf3Rule:{scene}"), f"1 {scene} rule x 730 h")


ALICLOUD_EDGE_PRICERS: dict[str, EdgePricer] = {
    "alicloud:wafv3/instance:Instance": _instance,
    "alicloud:wafv3/domain:Domain": _domain,
    "alicloud:wafv3/defenseTemplate:DefenseTemplate": _template,
    "alicloud:wafv3/defenseRule:DefenseRule": _rule,
}
