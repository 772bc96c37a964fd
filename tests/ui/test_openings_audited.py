"""Issue 14 item 7: each screen that opens a patient's clinical detail records exactly one
audit event as it opens, and moving around inside it (another letter template, a reload
after a change) records no more opening events."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import OptionList

from console.app import RecoveryConsole
from console.services import Services
from console.services.dto import PatientRow
from db.models import AuditEvent
from screens.care_plan.editor import CarePlanScreen
from screens.care_plan.versions import CompareScreen, VersionsScreen
from screens.letters.letters import LettersScreen
from screens.linkage.linkage import LinkageScreen
from screens.patients.episode import SafetyModal
from screens.patients.family import FamilyScreen
from screens.patients.health import HealthScreen
from screens.patients.summary import PatientSummaryScreen
from screens.review.screen import ReviewScreen
from tests.ui.helpers import settle


def actions(services: Services) -> list[str]:
    with Session(services.engine) as session:
        return list(session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all())  # type: ignore[arg-type]


def treated(services: Services) -> PatientRow:
    """A demo patient on methadone with a care plan of more than one version."""
    for row in services.patients.search("", limit=100).rows:
        if row.medicine == "methadone_oral" and len(services.careplans.open(row.id).versions) > 1:
            return row
    raise AssertionError("the demo caseload has such a patient")


async def opened_with(pilot: Pilot[None], services: Services, screen: Screen[object]) -> list[str]:
    """Push `screen`; the audit events its opening recorded."""
    await settle(pilot)
    before = len(actions(services))
    pilot.app.push_screen(screen)
    await settle(pilot)
    assert pilot.app.screen is screen
    return actions(services)[before:]


async def test_every_screen_opening_audits_once(app: RecoveryConsole, populated: Services) -> None:
    row = treated(populated)
    pid = row.id
    name = f"{row.family_name}, {row.given_name}"
    plan = populated.careplans.open(pid)
    a, b = plan.versions[0].version_no, plan.versions[-1].version_no
    record = populated.patients.open(pid)
    draft = populated.reviews.start(pid)
    screens: dict[str, Callable[[], Screen[object]]] = {
        "patient.open": lambda: PatientSummaryScreen(row),
        "careplan.open": lambda: CarePlanScreen(pid, name),
        "careplan.compare.open": lambda: CompareScreen(plan, a, b),
        "review.open": lambda: ReviewScreen(review_id=draft.id),
        "linkage.open": lambda: LinkageScreen(pid, name),
        "family.open": lambda: FamilyScreen(pid, name),
        "health.open": lambda: HealthScreen(pid, name),
        "prescription_safety.open": lambda: SafetyModal(record),
        "letters.open": lambda: LettersScreen(row),
    }
    async with app.run_test(size=(80, 24)) as pilot:
        for action, make in screens.items():
            assert await opened_with(pilot, populated, make()) == [action]
            pilot.app.pop_screen()
            await settle(pilot)
        # The versions list shows what the editor's opening returned: nothing more.
        assert await opened_with(pilot, populated, VersionsScreen(plan)) == []


async def test_moving_between_letter_templates_records_no_more(
    app: RecoveryConsole, populated: Services
) -> None:
    row = treated(populated)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = LettersScreen(row)
        assert await opened_with(pilot, populated, screen) == ["letters.open"]
        before = len(actions(populated))
        templates = screen.query_one("#templates", OptionList)
        for _ in range(templates.option_count):
            await pilot.press("down")
            await settle(pilot)
        assert screen.preview is not None and screen.preview.text + screen.preview.refusal
        assert actions(populated)[before:] == []


async def test_a_reload_after_a_change_is_not_another_opening(
    app: RecoveryConsole, populated: Services
) -> None:
    row = treated(populated)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = FamilyScreen(row.id, row.family_name)
        assert await opened_with(pilot, populated, screen) == ["family.open"]
        before = len(actions(populated))
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Kim", "tab", *"sister", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert [m.name for m in screen.view.members] == ["Kim"]  # type: ignore[union-attr]
        assert actions(populated)[before:] == ["family.add"]
