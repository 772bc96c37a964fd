"""Patient import and export in batches (issue 19): one audit event listing every patient,
all-or-nothing whatever batch the bad row falls in or however the import fails (H118), the
row caches right for imported rows, and an export the same whatever its batch size."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from console.services import Services, transfer, transfer_import
from console.services.audit_view import AuditFilter
from console.services.dto import PatientInput
from console.services.transfer import ImportRejected
from db import bulk
from db.models import Patient, table_of

HEADER = (
    "nhs_number,family_name,given_name,date_of_birth,sex,address_line_1,address_line_2,"
    "town,postcode,phone,email,letters_to_home,recovery_start"
)
# valid NHS numbers (modulus 11), each a patient of its own
NUMBERS = ["9434765919", "9990000018", "9990000026", "4010232137", "9990000034", "9990000042"]


def rows(numbers: list[str]) -> list[str]:
    return [
        f"{n},Family{i},Given{i},0{i + 1}/03/1980,female,{i} High Street,,Leeds,LS1 4AP,"
        f"+44 113 496 000{i},p{i}@example.org,{'yes' if i % 2 else 'no'},2024-02-1{i}"
        for i, n in enumerate(numbers)
    ]


def write(tmp_path: Path, lines: list[str], name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of two, so six rows are three INSERTs (three fetches on export)."""
    monkeypatch.setattr(transfer, "BATCH", 2)


def import_events(services: Services) -> list[int]:
    page = services.audit_view.page(AuditFilter(action="patient.import"))
    return [line.id for line in page.lines]


@pytest.mark.usefixtures("small_batches")
def test_an_import_is_one_audit_event_listing_every_patient(
    services: Services, tmp_path: Path
) -> None:
    added = services.transfer.import_patients(write(tmp_path, [HEADER, *rows(NUMBERS)]))
    assert added == len(NUMBERS)
    [event_id] = import_events(services)
    event = services.audit_view.event(event_id)
    assert event.line.patients == len(NUMBERS)
    assert {nhs for nhs, _ in event.patients} == set(NUMBERS)
    assert '"rows": 6' in event.detail
    for number in NUMBERS:  # each patient's own audit trail shows the import
        page = services.audit_view.page(AuditFilter(nhs_number=number))
        assert event_id in [line.id for line in page.lines], number
    assert [p.nhs_number for p in services.patients.search("Family").rows] == NUMBERS
    # ids were given by the import: registering after it still gets a new one
    services.patients.register(PatientInput("9990000069", "Registered", "After", "01/01/1970"))
    assert services.patients.counts()[0] == len(NUMBERS) + 1


def audit_trail(services: Services) -> list[int]:
    """Every event but the viewer's own, newest first."""
    return [line.id for line in services.audit_view.page(AuditFilter(), limit=500).lines]


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many patients each INSERT of the import wrote, as it wrote them."""
    sizes: list[int] = []
    insert = bulk.TableWriter.insert

    def counting(self: bulk.TableWriter, rows: list[tuple[object, ...]], **kw: int) -> int:
        if self.table.name == "patient":
            sizes.append(len(rows))
        return insert(self, rows, **kw)

    monkeypatch.setattr(bulk.TableWriter, "insert", counting)
    return sizes


@pytest.mark.usefixtures("small_batches")
def test_a_bad_last_row_imports_nothing_from_any_batch(
    services: Services, tmp_path: Path, written: list[int]
) -> None:
    """H118: the batches before the bad last row were written, then rolled back."""
    services.patients.register(PatientInput("9990000069", "Registered", "Before", "01/01/1970"))
    trail = audit_trail(services)
    lines = [HEADER, *rows(NUMBERS[:5]), "9990000042,Last,Row,31/02/1980,,,,,,,,,"]
    with pytest.raises(ImportRejected) as refused:
        services.transfer.import_patients(write(tmp_path, lines))
    assert [str(e) for e in refused.value.errors] == ["line 7: date_of_birth: no such date"]
    assert written == [2, 2]  # written in the transaction as read; none of it committed
    assert services.patients.counts()[0] == 1
    assert services.patients.search("Family").rows == ()
    assert audit_trail(services) == trail
    assert services.caches.check().mismatches == ()


@pytest.mark.usefixtures("small_batches")
def test_a_crash_mid_import_leaves_nothing(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: list[int]
) -> None:
    """H118: an exception after two batches were written (a full disk, a killed driver)
    rolls the whole import back."""
    trail = audit_trail(services)
    checked = transfer_import.clean_row

    def crash_on_line_6(number: int, *args: object) -> object:
        if number == 6:
            raise OSError("injected")
        return checked(number, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(transfer_import, "clean_row", crash_on_line_6)
    with pytest.raises(OSError, match="injected"):
        services.transfer.import_patients(write(tmp_path, [HEADER, *rows(NUMBERS)]))
    assert written == [2, 2]
    assert services.patients.counts()[0] == 0
    assert audit_trail(services) == trail
    monkeypatch.setattr(transfer_import, "clean_row", checked)  # the same file, once well
    assert services.transfer.import_patients(write(tmp_path, [HEADER, *rows(NUMBERS)])) == 6


@pytest.mark.usefixtures("small_batches")
def test_every_bad_row_is_named_across_batches(services: Services, tmp_path: Path) -> None:
    """Reading goes on to the end after the first bad row; a number already registered
    is found in whatever batch it falls."""
    services.patients.register(PatientInput(NUMBERS[5], "Registered", "Before", "01/01/1970"))
    lines = [
        HEADER,
        *rows(NUMBERS[:2]),
        "9990000077,Bad,Date,30/02/1970,,,,,,,,,",
        *rows(NUMBERS[2:]),
        f"{NUMBERS[0]},Twice,Again,01/01/1970,,,,,,,,,",
    ]
    with pytest.raises(ImportRejected) as refused:
        services.transfer.import_patients(write(tmp_path, lines))
    assert [str(e) for e in refused.value.errors] == [
        "line 4: date_of_birth: no such date",
        "line 8: nhs_number: already registered in this database",
        "line 9: nhs_number: also on line 2 of this file",
    ]
    assert services.patients.counts()[0] == 1


def test_imported_rows_pass_the_cache_check(services: Services, tmp_path: Path) -> None:
    services.patients.register(PatientInput("9990000069", "Registered", "Before", "01/01/1970"))
    services.transfer.import_patients(write(tmp_path, [HEADER, *rows(NUMBERS)]))
    result = services.caches.check()
    assert result.patients == len(NUMBERS) + 1
    assert result.mismatches == ()


def test_export_is_the_same_in_small_batches(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path, [HEADER, *rows(NUMBERS)])
    services.transfer.import_patients(source)
    assert services.transfer.export_patients(tmp_path / "whole.csv") == len(NUMBERS)
    monkeypatch.setattr(transfer, "BATCH", 2)
    assert services.transfer.export_patients(tmp_path / "batched.csv") == len(NUMBERS)
    whole = (tmp_path / "whole.csv").read_text(encoding="utf-8")
    assert (tmp_path / "batched.csv").read_text(encoding="utf-8") == whole
    exported = list(csv.DictReader(io.StringIO(whole)))
    assert [r["nhs_number"] for r in exported] == NUMBERS
    assert [r["date_of_birth"] for r in exported] == [f"1980-03-0{i + 1}" for i in range(6)]
    assert exported[1]["phone"] == "'+44 113 496 0001"  # escaped for spreadsheets
    assert exported[1]["letters_to_home"] == "yes" and exported[2]["letters_to_home"] == "no"
    exports = services.audit_view.page(AuditFilter(action="patient.export")).lines
    assert [line.patients for line in exports] == [len(NUMBERS), len(NUMBERS)]


def test_an_imported_row_is_stored_as_a_registered_one(
    services: Services, engine: sa.Engine, tmp_path: Path
) -> None:
    """The import writes the values every new patient shares into its INSERT as literals
    (`db.bulk`): each column holds what registering the same patient stores, of the same
    stored type (SQLite keeps a type per value: 0 and '0' and 0.0 differ)."""
    fields = ["Same", "Person", "01/03/1980", "female", "1 High Street", "", "Leeds", "LS1 4AP"]
    services.patients.register(PatientInput(NUMBERS[0], *fields, "+44 113 496 0000"))
    line = f"{NUMBERS[1]},{','.join(fields)},+44 113 496 0000,,no,"
    services.transfer.import_patients(write(tmp_path, [HEADER, line]))
    p = table_of(Patient)
    columns = [c for c in p.columns if c.name not in ("id", "nhs_number")]
    typed = [sa.func.typeof(c) for c in columns] if engine.dialect.name == "sqlite" else []
    with engine.connect() as conn:
        registered, imported = conn.execute(
            sa.select(*columns, *typed).order_by(p.c.nhs_number != NUMBERS[0])
        ).all()
    names = [c.name for c in columns] + [f"typeof({c.name})" for c in columns if typed]
    differ = [n for n, a, b in zip(names, registered, imported, strict=True) if a != b]
    assert differ == []
