"""Backup / maintenance window parsing and overlap, shared by config and components."""

from __future__ import annotations

import pytest

from components.aws.windows import (
    daily_window,
    staggered_windows,
    weekly_window,
    windows_overlap,
)


def test_daily_window_minutes_and_wrap() -> None:
    assert daily_window("02:00-03:00") == (120, 180)
    assert daily_window("23:30-00:30") == (1410, 1470)


def test_weekly_window_minutes_and_wrap() -> None:
    assert weekly_window("mon:00:00-mon:00:30") == (0, 30)
    assert weekly_window("sun:23:30-mon:00:30") == (6 * 1440 + 1410, 7 * 1440 + 30)


@pytest.mark.parametrize(
    "text", ["2:00-03:00", "02:00-3:00", "24:00-01:00", "02:00 - 03:00", "mon:02:00-mon:03:00"]
)
def test_bad_daily_formats(text: str) -> None:
    with pytest.raises(ValueError, match="hh24:mi-hh24:mi"):
        daily_window(text)


@pytest.mark.parametrize("text", ["sun:04:00", "Sun:04:00-sun:05:00", "sun:04:00-xyz:05:00"])
def test_bad_weekly_formats(text: str) -> None:
    with pytest.raises(ValueError, match="ddd:hh24:mi-ddd:hh24:mi"):
        weekly_window(text)


def test_minimum_length() -> None:
    with pytest.raises(ValueError, match="at least 60 minutes"):
        daily_window("03:00-03:30", min_minutes=60)
    with pytest.raises(ValueError, match="at least 30 minutes"):
        weekly_window("sun:04:00-sun:04:10")


@pytest.mark.parametrize(
    ("daily", "weekly", "overlap"),
    [
        ("02:00-03:00", "sun:04:00-sun:05:00", False),
        ("04:30-05:30", "sun:04:00-sun:05:00", True),
        ("03:00-04:00", "sun:04:00-sun:05:00", False),  # touching ends do not overlap
        ("23:30-00:30", "mon:00:00-mon:01:00", True),  # daily wraps into Monday
        ("23:00-23:45", "sun:23:30-mon:00:30", True),  # weekly wraps past Sunday
        ("00:15-00:45", "sun:23:30-mon:00:30", True),
        ("01:00-02:00", "sun:23:30-mon:00:30", False),
    ],
)
def test_overlap(daily: str, weekly: str, overlap: bool) -> None:
    assert windows_overlap(daily, weekly) is overlap


def test_staggered_windows_follow_each_other() -> None:
    assert staggered_windows("sun:04:00-sun:05:00", 3) == [
        "sun:04:00-sun:05:00",
        "sun:05:00-sun:06:00",
        "sun:06:00-sun:07:00",
    ]
    assert staggered_windows("sun:23:00-mon:00:30", 2) == [
        "sun:23:00-mon:00:30",
        "mon:00:30-mon:02:00",
    ]
    assert staggered_windows("tue:01:00-tue:01:30", 1) == ["tue:01:00-tue:01:30"]
