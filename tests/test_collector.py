"""The console's garbage collection (screens/collector.py): held off while a screen opens,
done while staff read, never held for long."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

import pytest

from screens.collector import HOLD_AT_MOST, QUIET, IdleCollector


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


class Timers:
    def __init__(self) -> None:
        self.due: list[tuple[float, Callable[[], object]]] = []

    def set_timer(self, delay: float, callback: Callable[[], object]) -> None:
        self.due.append((delay, callback))

    def fire(self) -> float:
        delay, callback = self.due.pop(0)
        callback()
        return delay


@pytest.fixture(autouse=True)
def collector_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_collections_are_held_while_typing_and_released_once_quiet() -> None:
    clock, hold, timers = Clock(), Clock(), Timers()
    typed = [clock.t]
    collector = IdleCollector(timers, lambda: typed[0], clock, hold)
    collector.screen_opening()
    assert not gc.isenabled()
    clock.t += 0.1
    hold.t += 0.1
    typed[0] = clock.t  # a key: not yet
    clock.t += QUIET / 2
    hold.t += QUIET / 2
    timers.fire()
    assert not gc.isenabled() and timers.due  # looks again once it could be quiet
    clock.t += QUIET
    hold.t += QUIET
    timers.fire()
    assert gc.isenabled() and not timers.due
    assert collector.collections == 0  # nothing closed: nothing to collect


def test_a_closed_screen_is_collected_once_quiet() -> None:
    clock, timers = Clock(), Timers()
    collector = IdleCollector(timers, lambda: 0.0, clock)
    collector.screen_closed()
    timers.fire()
    assert collector.collections == 1 and gc.isenabled()


def test_the_interpreter_is_never_held_off_for_long_even_while_typing() -> None:
    clock, hold, timers = Clock(), Clock(), Timers()
    typed = [clock.t]
    collector = IdleCollector(timers, lambda: typed[0], clock, hold)
    collector.screen_opening()
    collector.screen_closed()
    waited = 0.0
    while not gc.isenabled():  # a key just before every look
        step = timers.due[0][0]
        clock.t += step
        hold.t += step
        typed[0] = clock.t
        waited += timers.fire()
        assert waited <= HOLD_AT_MOST + QUIET
    assert hold.t - 100.0 >= HOLD_AT_MOST
    # Given back, but nothing collected while the keys keep coming: that waits for a pause.
    assert collector.collections == 0 and timers.due
    clock.t += 2 * QUIET
    timers.fire()
    assert collector.collections == 1 and not timers.due


def test_release_gives_the_interpreter_back_its_collections() -> None:
    collector = IdleCollector(Timers(), lambda: 0.0)
    collector.screen_opening()
    assert not gc.isenabled()
    collector.release()
    assert gc.isenabled()


def test_a_screen_still_opening_is_painted_before_a_collection() -> None:
    """Quiet, but the screen on top has not painted what it opened for (a slow first
    review form): the collection waits for its frame, not the frame for the collection."""
    clock, hold, timers = Clock(), Clock(), Timers()
    opening = [True]
    collector = IdleCollector(timers, lambda: 0.0, clock, hold, opening=lambda: opening[0])
    collector.screen_closed()  # the summary's widgets, left behind
    collector.screen_opening()  # the review form
    clock.t += QUIET
    hold.t += QUIET
    timers.fire()
    assert collector.collections == 0 and not gc.isenabled() and timers.due
    step = timers.due[0][0]
    assert step < QUIET  # looks again soon, not a reader's pause later
    clock.t += step
    hold.t += step
    opening[0] = False  # its first frame is out
    timers.fire()
    assert collector.collections == 1 and gc.isenabled() and not timers.due


def test_a_screen_that_never_finishes_opening_does_not_hold_the_interpreter_off() -> None:
    clock, hold, timers = Clock(), Clock(), Timers()
    collector = IdleCollector(timers, lambda: 0.0, clock, hold, opening=lambda: True)
    collector.screen_opening()
    while not gc.isenabled():
        step = timers.due[0][0]
        clock.t += step
        hold.t += step
        timers.fire()
        assert hold.t - 100.0 <= HOLD_AT_MOST + QUIET
