"""The audit viewer in the console, keyboard only at 80x24: newest first, paged, filtered
in a dialog, an event's patients on enter, `v` verifies the chain."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from console.app import RecoveryConsole
from console.services import Services
from console.services.audit_view import AuditFilter
from screens.admin.audit import AuditScreen
from screens.admin.audit_dialogs import AuditEventModal, AuditFilterForm
from screens.admin.home import AdminScreen
from tests.ui.helpers import settle

SnapCompare = Callable[..., bool]
AUDIT_ROW = 3  # the audit log's place in the administration list


async def open_audit(pilot: Pilot[None]) -> AuditScreen:
    await settle(pilot)
    await pilot.press("g", "a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AdminScreen)
    await pilot.press(*(["down"] * AUDIT_ROW), "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AuditScreen)
    return screen


def shown_ids(screen: AuditScreen) -> list[int]:
    table = screen.query_one("#events", DataTable)
    return [int(str(table.get_row_at(i)[0])) for i in range(table.row_count)]


def status(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#status", Static).render())


async def test_newest_first_paged_and_the_opening_audited_once(
    app: RecoveryConsole, populated: Services
) -> None:
    for n in range(60):  # more events than one page
        populated.staff_admin.add(f"locum{n}", f"Locum {n}", ["reception"])
    async with app.run_test() as pilot:
        screen = await open_audit(pilot)
        first = shown_ids(screen)
        assert len(first) == 50 and first == sorted(first, reverse=True)
        newest = populated.audit_view.page(AuditFilter(show_viewer=True), limit=1).lines[0]
        assert newest.action == "audit.view"  # opening was audited …
        assert newest.id not in first  # … and the viewer's own event is hidden
        await pilot.press("n")
        await settle(pilot)
        second = shown_ids(screen)
        assert second and max(second) < min(first)
        assert "Page 2" in status(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert shown_ids(screen) == first
    opened = populated.audit_view.page(AuditFilter(action="audit.view")).lines
    assert len(opened) == 1  # once per opening, not per page


async def test_filter_by_patient_refuses_a_bad_number_beside_the_field(
    app: RecoveryConsole, populated: Services
) -> None:
    async with app.run_test() as pilot:
        screen = await open_audit(pilot)
        await pilot.press("f")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, AuditFilterForm)
        form.query_one("#nhs_number", Input).value = "123"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form
        assert "valid NHS number" in str(form.query_one("#e-nhs_number", Static).render())
        form.query_one("#nhs_number", Input).value = "943 476 5919"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is screen
        ids = shown_ids(screen)
        assert ids  # the registration of the known patient at least
        expected = populated.audit_view.page(AuditFilter(nhs_number="9434765919")).lines
        assert ids == [line.id for line in expected]
        assert "patient 943 476 5919" in str(screen.query_one("#filter", Static).render())
        # enter: the event and the patient it concerns
        await pilot.press("enter")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, AuditEventModal)
        assert any("QUARRINGTON, Leah" in name for _, name in modal.detail.patients)
        await pilot.press("escape")
        assert pilot.app.screen is screen


async def test_v_verifies_the_chain_in_a_worker(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await open_audit(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert "Audit log intact" in status(pilot)
        assert "events checked" in status(pilot)


def test_snapshot_audit_viewer(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_audit(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


def test_snapshot_audit_filter(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_audit(pilot)
        await pilot.press("f")
        await settle(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


def test_snapshot_audit_event(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_audit(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))
