"""The idle lock (SPEC §3, issue 18 item 4): the practice's minutes without a key hide
patient detail behind a screen naming no patient; the draft is saved first; a key
returns to exactly where the user was and does nothing else."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input, Static

from console.app import RecoveryConsole
from console.services import Services
from console.services.dto import PracticeInput
from screens.lock import IdleWatch, LockScreen
from tests.ui.helpers import names, settle
from tests.ui.test_review import SIZE, open_review

MINUTE = 60.0


class Clock:
    """The idle clock, moved by the test (Textual's timers only say when to look)."""

    def __init__(self) -> None:
        self.t = 1_000.0

    def __call__(self) -> float:
        return self.t


def console(services: Services, clock: Clock, **watch: object) -> RecoveryConsole:
    return RecoveryConsole(services, idle=IdleWatch(now=clock, tick=0.01, **watch))  # type: ignore[arg-type]


async def idle(pilot: Pilot[None], clock: Clock, seconds: float) -> None:
    clock.t += seconds
    await pilot.pause(0.05)  # a few ticks of the check
    await settle(pilot)


def shown(app: RecoveryConsole) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_the_list_locks_after_ten_minutes_and_names_no_patient(populated: Services) -> None:
    clock = Clock()
    app = console(populated, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listed = names(app)
        assert listed
        app.notify(f"Opened {listed[0]}")  # a toast that names a patient
        await idle(pilot, clock, 10 * MINUTE - 1)
        assert not isinstance(app.screen, LockScreen)
        await idle(pilot, clock, 1)
        assert isinstance(app.screen, LockScreen)
        text = shown(app)
        assert "locked itself after 10 minutes" in text and "Press any key" in text
        assert "Tester" in text or "tester" in text.lower()  # who is signed in, not whom
        for name in listed:
            family = name.split(",")[0]
            assert family not in text
        assert not app._notifications  # the toast went with what it named
        await pilot.press("down")
        assert not isinstance(app.screen, LockScreen)
        assert names(app) == listed


async def test_keys_keep_it_open(populated: Services) -> None:
    clock = Clock()
    app = console(populated, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(3):
            await idle(pilot, clock, 9 * MINUTE)
            await pilot.press("down")
        assert not isinstance(app.screen, LockScreen)


async def test_the_draft_is_saved_and_the_key_that_unlocks_goes_nowhere(
    populated: Services,
) -> None:
    clock = Clock()
    app = console(populated, clock)
    async with app.run_test(size=SIZE) as pilot:
        review = await open_review(pilot)
        assert review.draft is not None
        await pilot.press("3")  # alcohol week 1, typed and not saved
        field = app.focused
        assert isinstance(field, Input) and field.value == "3"
        cursor = field.cursor_position
        await idle(pilot, clock, 10 * MINUTE)
        assert isinstance(app.screen, LockScreen)
        kept = populated.reviews.get(review.draft.id)
        assert kept.values.top["alcohol_w1"] == 3  # saved before the lock came down
        await pilot.press("5")
        assert app.screen is review and app.focused is field
        assert field.value == "3" and field.cursor_position == cursor
        await idle(pilot, clock, 10 * MINUTE)
        await pilot.press("ctrl+q")  # even a priority key only unlocks
        assert app.is_running and app.screen is review and field.value == "3"
        await pilot.press("4")  # and the next key is typed as usual
        assert field.value == "34"


async def test_the_practices_minutes_and_a_users_shorter_lock(populated: Services) -> None:
    p = populated.practice.get()
    details = PracticeInput(
        p.name,
        p.address,
        p.phone,
        p.email,
        p.ods_code,
        p.signature,
        p.accessibility,
        str(p.barc10_fall_threshold),
        "3",
        p.timezone,
    )
    populated.practice.update(details, p.version)
    for personal, locks_at in ((None, 3), (60, 3), (2, 2)):
        clock = Clock()
        app = console(populated, clock, personal_minutes=personal)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await idle(pilot, clock, locks_at * MINUTE - 1)
            assert not isinstance(app.screen, LockScreen), personal
            await idle(pilot, clock, 1)
            assert isinstance(app.screen, LockScreen), personal
            assert f"after {locks_at} minutes" in shown(app)


async def test_the_real_timer_locks(populated: Services) -> None:
    """No fake clock: a short interval, Textual's own timer and the monotonic clock."""
    app = RecoveryConsole(populated, idle=IdleWatch(seconds=0.2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(40):
            if isinstance(app.screen, LockScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, LockScreen)


SnapCompare = Callable[..., bool]


def test_lock_screen_snapshot(snap_compare: SnapCompare, populated: Services) -> None:
    clock = Clock()
    app = console(populated, clock)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await idle(pilot, clock, 10 * MINUTE)
        assert isinstance(app.screen, LockScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
