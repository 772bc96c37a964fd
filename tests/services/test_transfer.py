"""Patient import and export in batches (issue 19): one audit event listing every patient,
all-or-nothing whatever batch the bad row falls in, the row caches right for imported rows,
and an export the same whatever its batch size."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from console.services import Services, transfer
from console.services.audit_view import AuditFilter
from console.services.dto import PatientInput
from console.services.transfer import ImportRejected

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


@pytest.mark.usefixtures("small_batches")
def test_a_bad_last_row_imports_nothing_from_any_batch(services: Services, tmp_path: Path) -> None:
    lines = [HEADER, *rows(NUMBERS[:5]), "9990000042,Last,Row,31/02/1980,,,,,,,,,"]
    with pytest.raises(ImportRejected) as refused:
        services.transfer.import_patients(write(tmp_path, lines))
    assert [str(e) for e in refused.value.errors] == ["line 7: date_of_birth: no such date"]
    assert services.patients.search("Family").rows == ()
    assert import_events(services) == []


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize(
    "change",
    [
        lambda text: text.replace("9990000042", "9990000050"),  # another number, still valid
        lambda text: text.replace("Given5", "Altered"),  # a valid name: only the hash differs
        lambda text: text + "9990000050,Extra,Row,01/01/1990,,,,,,,,,\n",
    ],
)
def test_a_file_changed_after_its_check_imports_nothing(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: object
) -> None:
    path = write(tmp_path, [HEADER, *rows(NUMBERS)])
    checked = transfer.TransferService._check

    def check_then_change(self: transfer.TransferService, *args: object) -> object:
        result = checked(self, *args)  # type: ignore[arg-type]
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
        return result

    monkeypatch.setattr(transfer.TransferService, "_check", check_then_change)
    with pytest.raises(ImportRejected) as refused:
        services.transfer.import_patients(path)
    assert [str(e) for e in refused.value.errors] == [f"line 1: file: {transfer.CHANGED}"]
    assert services.patients.search("Family").rows == ()
    assert import_events(services) == []


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
