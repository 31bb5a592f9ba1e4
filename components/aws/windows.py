"""Maintenance, backup and snapshot windows: parsing, length and overlap checks.

AWS takes daily windows as `hh24:mi-hh24:mi` (UTC) and weekly ones as `ddd:hh24:mi-ddd:hh24:mi`.
Both the config model and the components validate with these functions, so a bad window fails
before anything is registered instead of at `pulumi up`.
"""

from __future__ import annotations

import re

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAILY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_WEEKLY = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)"
    r"-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$"
)
_DAY_MIN = 24 * 60
_WEEK_MIN = 7 * _DAY_MIN


def daily_window(text: str, *, min_minutes: int = 30) -> tuple[int, int]:
    """(start, end) minutes of the day of a `hh24:mi-hh24:mi` window; end may wrap past midnight
    (then end > 1440). Raises ValueError for a bad format or a window shorter than `min_minutes`."""
    match = _DAILY.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a daily window in the format hh24:mi-hh24:mi (UTC)")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        end += _DAY_MIN
    if end - start < min_minutes:
        raise ValueError(f"'{text}' must be at least {min_minutes} minutes long")
    return start, end


def weekly_window(text: str, *, min_minutes: int = 30) -> tuple[int, int]:
    """(start, end) minutes of the week (Monday 00:00 = 0) of a `ddd:hh24:mi-ddd:hh24:mi`
    window; end may wrap past Sunday (then end > one week)."""
    match = _WEEKLY.match(text)
    if not match:
        raise ValueError(
            f"'{text}' is not a weekly window in the format ddd:hh24:mi-ddd:hh24:mi (UTC), "
            "e.g. sun:04:00-sun:05:00"
        )
    d1, h1, m1, d2, h2, m2 = match.groups()
    start = DAYS.index(d1) * _DAY_MIN + int(h1) * 60 + int(m1)
    end = DAYS.index(d2) * _DAY_MIN + int(h2) * 60 + int(m2)
    if end <= start:
        end += _WEEK_MIN
    if end - start < min_minutes:
        raise ValueError(f"'{text}' must be at least {min_minutes} minutes long")
    return start, end


def windows_overlap(daily: str, weekly: str) -> bool:
    """Whether a daily window (every day) overlaps a weekly window."""
    d_start, d_end = daily_window(daily, min_minutes=0)
    w_start, w_end = weekly_window(weekly, min_minutes=0)
    # Compare against every day's occurrence, across two weeks to cover wrap-around.
    for day in range(-1, 14):
        s, e = day * _DAY_MIN + d_start, day * _DAY_MIN + d_end
        for shift in (0, _WEEK_MIN):
            if s < w_end + shift and w_start + shift < e:
                return True
    return False


def format_weekly(start: int, end: int) -> str:
    """`ddd:hh24:mi-ddd:hh24:mi` for minutes of the week (wrapping past Sunday)."""

    def one(minute: int) -> str:
        minute %= _WEEK_MIN
        day, rest = divmod(minute, _DAY_MIN)
        return f"{DAYS[day]}:{rest // 60:02d}:{rest % 60:02d}"

    return f"{one(start)}-{one(end)}"


def staggered_windows(weekly: str, count: int) -> list[str]:
    """`count` back-to-back copies of a weekly window (the first is `weekly` itself), so that
    instances of one database are not all restarted for maintenance at the same time."""
    start, end = weekly_window(weekly, min_minutes=0)
    length = end - start
    return [format_weekly(start + i * length, end + i * length) for i in range(count)]
