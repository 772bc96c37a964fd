"""The letter to the community pharmacy: a controlled-drug document (SPEC §5).

It goes to the pharmacy's address from the directory (in the envelope window) and names
the patient (name, address, date of birth), the medicine with its form and strength,
the dose, the instalment (pick-up) days and which are supervised. It is refused when
anything a pharmacist needs is not recorded, never printed with a gap. Missed-dose advice
is for daily doses only: a weekly or monthly injection is not collected.
Pure: the letters service reads the rows and checks the role.
"""

from __future__ import annotations

from collections.abc import Mapping

from console.letters.model import Table
from console.rules import products
from console.rules.vocab import DISPENSING_LABEL, Dispensing

KEY = "pharmacy_letter"
RECORD = "Record it with the prescription (p on the patient's summary)."


def _s(value: object) -> str:
    return "" if value is None else str(value)


def _days(value: object) -> tuple[str, ...]:
    return tuple(d for d in _s(value).split(",") if d)


def refusal(rx: Mapping[str, object] | None) -> str | None:
    """Why no pharmacy letter may be made from this prescription, or None."""
    if rx is None:
        return "No letter: there is no current prescription. " + RECORD.replace("it", "one", 1)
    medicine = _s(rx["medicine"])
    if not products.product_label(medicine, _s(rx["product"]), _s(rx["product_text"])):
        return "No letter: the prescription does not say the product's form and strength. " + (
            RECORD
        )
    if rx.get("pharmacy_id") is None or not rx.get("pharmacy_name"):
        return (
            "No letter: the prescription names no pharmacy from the directory, so there is "
            "no address for the envelope. " + RECORD.replace("Record it", "Choose one")
        )
    if not rx.get("pharmacy_active"):
        return (
            "No letter: the prescription's pharmacy is retired from the directory. "
            + RECORD.replace("Record it", "Choose the current one")
        )
    if not (rx.get("pharmacy_line_1") and rx.get("pharmacy_postcode")):
        return "No letter: the pharmacy's address (first line and postcode) is not recorded."
    if medicine not in products.INJECTION and not _days(rx["pickup_days"]):
        return "No letter: the prescription does not give the instalment (pick-up) days. " + (
            RECORD
        )
    return None


def addressee(rx: Mapping[str, object]) -> tuple[str, ...]:
    lines = ["The Pharmacist", _s(rx.get("pharmacy_name"))]
    lines += [_s(rx.get(k)) for k in ("pharmacy_line_1", "pharmacy_line_2", "pharmacy_town")]
    lines.append(_s(rx.get("pharmacy_postcode")).upper())
    return tuple(line for line in lines if line)


def _mg_per_ml(rx: Mapping[str, object]) -> float | None:
    found = products.BY_KEY.get(_s(rx["product"]))
    return found.mg_per_ml if found is not None else None


def dose_text(rx: Mapping[str, object]) -> str:
    """ "60 mg (60 ml) daily": an oral solution's dose in ml as well."""
    dose = float(rx["dose_mg"])  # type: ignore[arg-type]
    per_ml = _mg_per_ml(rx)
    ml = f" ({dose / per_ml:g} ml)" if per_ml else ""
    return f"{dose:g} mg{ml} {_s(rx['interval'])}"


def advice(rx: Mapping[str, object], phone: str) -> str:
    """What the pharmacy should tell the surgery; missed doses only for daily doses."""
    call = f"the surgery on {phone}" if phone else "the surgery"
    if _s(rx["medicine"]) in products.INJECTION:
        return (
            "This medicine is given by injection and is not dispensed to the patient to take "
            f"away. Please tell {call} if the patient asks you for any other opioid "
            "medicine, or if you have any concern about their safety."
        )
    return (
        f"Please tell {call} at once if three or more doses in a row are missed: the "
        "patient's tolerance must be reassessed before the next dose is given. Please also "
        "tell us of any concern about the patient's safety."
    )


def table(
    rx: Mapping[str, object] | None,
    patient: Mapping[str, object],
    born: str,
    start: str,
) -> Table:
    """The prescription as the pharmacist reads it: one fact a row, no heading row."""
    empty = "There is no current prescription."
    if rx is None:
        return Table((), (), (0.26, 0.74), empty_text=empty)
    medicine = _s(rx["medicine"])
    home = (_s(patient.get(k)) for k in ("address_line_1", "address_line_2", "town"))
    where = ", ".join([*(p for p in home if p), _s(patient.get("postcode")).upper()])
    rows: list[tuple[str, str]] = [
        ("Patient", f"{_s(patient['given_name'])} {_s(patient['family_name'])}".strip()),
        ("Address", where.strip(", ") or "not recorded"),
        ("Date of birth", born),
        ("Medicine", products.product_label(medicine, _s(rx["product"]), _s(rx["product_text"]))),
        ("Dose", dose_text(rx)),
    ]
    pickup, supervised = _days(rx["pickup_days"]), _days(rx["supervised_days"])
    if medicine in products.INJECTION:
        rows.append(("Instalments", "none: given by injection, nothing is taken away"))
    else:
        try:
            label = DISPENSING_LABEL[Dispensing(_s(rx["dispensing"]))]
        except ValueError:
            label = "not recorded"
        rows.append(("Dispensing", label[:1].upper() + label[1:]))
        lines = products.instalment_lines(
            pickup,
            supervised,
            float(rx["dose_mg"]),
            _mg_per_ml(rx),  # type: ignore[arg-type]
        )
        rows.append(("Instalments", "\n".join(lines)))
        rows.append(("Supervised", products.days_text(supervised) or "none: all taken home"))
    rows.append(("From", start))
    return Table((), tuple(rows), (0.26, 0.74), empty_text=empty)
