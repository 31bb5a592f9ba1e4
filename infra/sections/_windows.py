"""Pydantic-friendly window checks shared by the data sections (formats in components/aws/windows.py)."""

from __future__ import annotations

from components.aws.windows import daily_window, weekly_window


def check_daily(value: str, *, min_minutes: int = 30) -> str:
    daily_window(value, min_minutes=min_minutes)
    return value


def check_weekly(value: str, *, min_minutes: int = 30) -> str:
    weekly_window(value, min_minutes=min_minutes)
    return value
