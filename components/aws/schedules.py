"""AWS schedule expressions: `cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>)`.

The grammar of EventBridge/AWS Backup cron expressions (docs.aws.amazon.com/eventbridge/latest/
userguide/eb-scheduled-rule-pattern.html): six fields; `*`, lists `,`, ranges `-`, increments `/`;
`?` in exactly one of day-of-month and day-of-week; `L`, `W` in day-of-month; `L`, `#` in
day-of-week; month and weekday names. AWS Backup runs a rule at most once an hour, so the minute
field must be a single minute.
"""

from __future__ import annotations

import re

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_CRON = re.compile(r"^cron\((.*)\)$")


def _number(token: str, low: int, high: int, names: tuple[str, ...] = ()) -> bool:
    if token.upper() in names:
        return True
    return token.isdigit() and low <= int(token) <= high


def _field(text: str, low: int, high: int, names: tuple[str, ...] = ()) -> bool:
    """`*`, `n`, `a-b`, `*/n`, `a/n`, `a-b/n` and comma lists of them, within low..high."""
    for item in text.split(","):
        base, _, step = item.partition("/")
        if step and not (step.isdigit() and int(step) >= 1):
            return False
        if base == "*":
            continue
        first, _, last = base.partition("-")
        if not _number(first, low, high, names) or (last and not _number(last, low, high, names)):
            return False
    return True


def _day_of_month(text: str) -> bool:
    if text in ("?", "L") or re.fullmatch(r"([1-9]|[12]\d|3[01])W|LW", text):
        return True
    return _field(text, 1, 31)


def _day_of_week(text: str) -> bool:
    if text == "?" or re.fullmatch(r"[1-7]L|[1-7]#[1-5]", text):
        return True
    return _field(text, 1, 7, WEEKDAYS)


def cron_problem(expression: str, *, at_most_hourly: bool = True) -> str | None:
    """Why `expression` is not a valid AWS cron expression, or None."""
    found = _CRON.match(expression.strip())
    if not found:
        return f"'{expression}' is not an AWS cron expression such as cron(0 3 * * ? *)"
    fields = found.group(1).split()
    if len(fields) != 6:
        return f"'{expression}' has {len(fields)} fields; AWS cron has 6 (min hour day month weekday year)"
    minute, hour, dom, month, dow, year = fields
    checks = (
        ("minute", _field(minute, 0, 59)),
        ("hour", _field(hour, 0, 23)),
        ("day-of-month", _day_of_month(dom)),
        ("month", _field(month, 1, 12, MONTHS)),
        ("day-of-week", _day_of_week(dow)),
        ("year", _field(year, 1970, 2199)),
    )
    bad = [name for name, ok in checks if not ok]
    if bad:
        return f"'{expression}': invalid {', '.join(bad)} field"
    if (dom == "?") == (dow == "?"):
        return f"'{expression}': exactly one of day-of-month and day-of-week must be '?'"
    if at_most_hourly and not minute.isdigit():
        return f"'{expression}': runs more than once an hour; name one minute (AWS Backup's minimum interval is an hour)"
    return None
