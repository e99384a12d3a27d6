from __future__ import annotations

import time

import pytest

from apps.files.errors import ExtractionTimeout
from apps.files.limits import time_limit


def _parser_that_swallows_the_first_alarm(seen: list[int]) -> None:
    while True:
        try:
            while True:
                pass
        except ExtractionTimeout:
            if seen:
                raise
            seen.append(1)


def test_a_loop_is_stopped_even_if_it_swallows_the_first_alarm():
    seen: list[int] = []
    started = time.monotonic()
    with time_limit(0.1), pytest.raises(ExtractionTimeout):
        _parser_that_swallows_the_first_alarm(seen)
    assert seen == [1]
    assert time.monotonic() - started < 2


def test_no_alarm_is_left_behind():
    with time_limit(0.05):
        pass
    time.sleep(0.4)  # an alarm still armed would raise here
