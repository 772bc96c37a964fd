"""The pharmacy directory screen: reached through the navigation layer, add a pharmacy
(the address the pharmacy letter prints), refusals beside their fields, retire."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from console.app import RecoveryConsole
from console.services import Services
from screens.navigation import AREAS
from screens.pharmacies.pharmacies import PharmaciesScreen, PharmacyForm
from tests.ui.helpers import settle


async def test_add_a_pharmacy_and_choose_it_later(populated: Services) -> None:
    assert "pharmacies" in {a.key for a in AREAS}
    app = RecoveryConsole(populated)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.nav.open_area("pharmacies")  # type: ignore[attr-defined]
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PharmaciesScreen)
        before = len(screen.rows)
        assert before == 12  # the demonstration directory
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PharmacyForm)
        form.query_one("#name", Input).value = "Horbury Pharmacy"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "first line of the address is required" in str(
            form.query_one("#e-address_line_1", Static).render()
        )
        form.query_one("#address_line_1", Input).value = "5 High Street"
        form.query_one("#town", Input).value = "Horbury"
        form.query_one("#postcode", Input).value = "wf4 5aa"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert len(screen.rows) == before + 1
        table = screen.query_one("#pharmacies", DataTable)
        assert screen.current is not None and screen.current.name == "Horbury Pharmacy"
        assert screen.current.postcode == "WF4 5AA"
        await pilot.press("x")  # retire it
        await settle(pilot)
        assert screen.current is not None and not screen.current.active
        assert table.row_count == before + 1  # kept, marked retired
    chosen = [p.name for p in populated.pharmacies.search("horbury")]
    assert chosen == []  # a retired pharmacy is not offered for a new prescription
