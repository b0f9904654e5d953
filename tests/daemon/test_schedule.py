"""Schedule parsing and the next-run arithmetic the daemon relies on after a restart."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from scraper.errors import UserError
from scraper.schedule import parse_schedule

T0 = datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text, seconds",
    [("6h", 21600), ("1h30m", 5400), ("90s", 90), ("0.5s", 0.5), ("2d", 172800), ("1w", 604800), (" 15 m ", 900)],
)
def test_intervals(text, seconds):
    schedule = parse_schedule(text)
    assert schedule.period() == timedelta(seconds=seconds)
    assert schedule.next_after(T0) == T0 + timedelta(seconds=seconds)


def test_cron_next_run_follows_the_last_run_not_now():
    schedule = parse_schedule("0 */6 * * *")
    assert schedule.period() == timedelta(hours=6)
    assert schedule.next_after(T0) == T0 + timedelta(hours=6)  # a run at 00:00 is followed by 06:00
    assert schedule.next_after(T0 + timedelta(hours=7, minutes=3)) == T0 + timedelta(hours=12)
    weekly = parse_schedule("30 2 * * mon")
    assert weekly.next_after(T0) == datetime(2026, 1, 5, 2, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("bad", ["", "soon", "0s", "99 * * * *", "* * *", "6 hours"])
def test_bad_schedules_say_what_is_accepted(bad):
    with pytest.raises(UserError) as err:
        parse_schedule(bad)
    message = str(err.value)
    assert "\n" not in message and repr(bad.strip()) in message


def test_jittered_triggers_fire_within_the_jitter():
    interval = parse_schedule("10m").trigger(start=T0, jitter=30)
    fire = interval.get_next_fire_time(T0, T0)
    assert T0 + timedelta(minutes=10) <= fire <= T0 + timedelta(minutes=10, seconds=30)
    cron = parse_schedule("0 * * * *").trigger(start=T0, jitter=30)
    fire = cron.get_next_fire_time(None, T0 + timedelta(minutes=1))
    assert T0 + timedelta(hours=1) <= fire <= T0 + timedelta(hours=1, seconds=30)
