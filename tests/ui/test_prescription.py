"""The prescription dialog: the form and strength from the medicine's own list (typed for
"other"), instalment and supervised days, the pharmacy from the directory."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from console.app import RecoveryConsole
from console.services import Services
from screens.patients.prescription import PrescriptionModal
from screens.patients.summary import PatientSummaryScreen
from tests.ui.helpers import open_prescription, settle
from tests.ui.summary_helpers import open_summary, rich_patient
from tests.ui.test_summary import SIZE


def _error(modal: PrescriptionModal, key: str) -> str:
    return str(modal.query_one(f"#e-{key}", Static).render())


async def test_the_dialog_records_product_days_and_pharmacy(populated: Services) -> None:
    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await open_summary(pilot, row)
        modal = await open_prescription(pilot)
        pharmacy = modal.query_one("#pharmacy_id", Select)
        assert pharmacy.value is not Select.NULL  # the current one, from the directory
        modal.query_one("#medicine", Select).value = "buprenorphine_sublingual"
        await settle(pilot)
        product = modal.query_one("#product", Select)
        assert product.value is Select.NULL  # four strengths: the clinician chooses
        modal.query_one("#interval", Select).value = "daily"
        modal.query_one("#dose_mg", Input).value = "12"
        modal.query_one("#dispensing", Select).value = "multi_day_pickup"
        modal.query_one("#pickup_days", Input).value = "Mon Thu"
        modal.query_one("#supervised_days", Input).value = "Tue"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "form and strength" in _error(modal, "product")
        product.value = "buprenorphine_sl_2mg_8mg"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is modal  # the service's refusal, beside its field
        assert "must also be a pick-up day" in _error(modal, "supervised_days")
        modal.query_one("#supervised_days", Input).value = "mon"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientSummaryScreen)
    dose = populated.summary.open(row.id).doses[-1]
    assert (dose.product, dose.dose_mg) == ("buprenorphine_sl_2mg_8mg", 12.0)
    assert dose.pickup_days == ("mon", "thu") and dose.supervised_days == ("mon",)
    assert dose.pharmacy_id is not None


async def test_other_asks_for_the_form_and_strength_as_text(populated: Services) -> None:
    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await open_summary(pilot, row)
        modal = await open_prescription(pilot)
        typed = modal.query_one("#product_text", Input)
        assert not typed.parent.display  # type: ignore[union-attr]
        modal.query_one("#medicine", Select).value = "other"
        await settle(pilot)
        assert typed.parent.display  # type: ignore[union-attr]
        assert not modal.query_one("#product", Select).parent.display  # type: ignore[union-attr]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "type the form and strength" in _error(modal, "product_text")


async def test_both_day_rows_read_back_as_understood(populated: Services) -> None:
    """Pick-up and supervised days are one kind of row: typed any way, left as Mon Thu;
    a day not known stays as typed with the reason beside it."""
    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await open_summary(pilot, row)
        await pilot.press("p")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PrescriptionModal)
        for key, typed, shown in (
            ("pickup_days", "thursday,mon", "Mon Thu"),
            ("supervised_days", "mON", "Mon"),
        ):
            field = modal.query_one(f"#{key}", Input)
            field.focus()
            await pilot.press("ctrl+u", *typed, "tab")
            await pilot.pause()
            assert field.value == shown and _error(modal, key) == ""
            field.focus()
            await pilot.press("ctrl+u", *"Mon Fry", "tab")
            await pilot.pause()
            assert field.value == "Mon Fry"
            assert "'Fry' is not a day of the week: type days as Mon Tue Wed" in _error(modal, key)
