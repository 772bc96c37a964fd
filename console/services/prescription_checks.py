"""What a prescription change and its safety details must satisfy before any write
(SPEC §2, §4): pure checks returning errors by field, shared by episodes and reviews."""

from __future__ import annotations

import datetime as dt

from console.rules import products, validate
from console.rules.drug_tests import BENZODIAZEPINES
from console.rules.vocab import Dispensing, DoseInterval, Medicine
from console.services.dto import PrescriptionInput, SafetyInput

# Plausible dose ranges in mg, per medicine and interval: a dose outside them is most
# likely typed in the wrong unit (ml, micrograms) or the wrong field (hazard log).
DOSE_RANGE: dict[tuple[str, str], tuple[float, float]] = {
    (Medicine.METHADONE, DoseInterval.DAILY): (1, 300),
    (Medicine.BUPRENORPHINE, DoseInterval.DAILY): (0.4, 32),
    (Medicine.BUPRENORPHINE_PR, DoseInterval.WEEKLY): (8, 32),
    (Medicine.BUPRENORPHINE_PR, DoseInterval.MONTHLY): (64, 160),
    (Medicine.OTHER, DoseInterval.DAILY): (0.1, 1000),
    (Medicine.OTHER, DoseInterval.WEEKLY): (0.1, 1000),
    (Medicine.OTHER, DoseInterval.MONTHLY): (0.1, 1000),
}
ORAL = frozenset({Medicine.METHADONE, Medicine.BUPRENORPHINE})
# Co-prescribed sedatives offered as choices (SPEC §2); any other is typed as text.
GABAPENTINOIDS = ("gabapentin", "pregabalin")
SEDATIVES = (*BENZODIAZEPINES, *GABAPENTINOIDS)
QTC_RANGE = (300, 700)
MISSED_MAX = 99


def check_safety(data: SafetyInput, today: dt.date) -> tuple[dict[str, object], dict[str, str]]:
    """(clean values, errors by field) for the current prescription's safety details."""
    errors: dict[str, str] = {}
    clean: dict[str, object] = {}
    missed = data.missed_doses_in_row.strip() or "0"
    if not missed.isdigit() or int(missed) > MISSED_MAX:
        errors["missed_doses_in_row"] = f"a whole number of doses, 0–{MISSED_MAX}"
    else:
        clean["missed_doses_in_row"] = int(missed)
    try:
        ecg = validate.date(data.ecg_date, today=today, required=False)  # type: ignore[arg-type]
    except validate.FieldError as exc:
        errors["ecg_date"] = f"ECG {exc}"
        ecg = None
    clean["ecg_date"] = ecg
    qtc_text = data.qtc_ms.strip()
    low, high = QTC_RANGE
    if qtc_text and (not qtc_text.isdigit() or not low <= int(qtc_text) <= high):
        errors["qtc_ms"] = f"QTc in milliseconds, {low}–{high}"
    clean["qtc_ms"] = int(qtc_text) if qtc_text.isdigit() else None
    if qtc_text and not data.ecg_date.strip() and "ecg_date" not in errors:
        errors["ecg_date"] = "give the date of the ECG this QTc comes from"
    if data.ecg_date.strip() and not qtc_text and "qtc_ms" not in errors:
        errors["qtc_ms"] = f"record the QTc from this ECG ({low}–{high} ms)"
    names: list[str] = []
    for name in data.sedatives:
        value = " ".join(name.split()).lower()
        if not value:
            continue
        if "," in value or len(value) > 40:
            errors["sedatives"] = "each sedative at most 40 characters; separate them by commas"
        elif value not in names:
            names.append(value)
    text = ", ".join(names)
    if len(text) > 200 and "sedatives" not in errors:
        errors["sedatives"] = "at most 200 characters in all"
    clean["sedatives"] = text
    return clean, errors


def check_prescription(data: PrescriptionInput) -> dict[str, str]:
    """Errors by field for a new dose row (empty when it may be saved)."""
    errors: dict[str, str] = {}
    medicines = {m.value for m in Medicine}
    if data.medicine not in medicines:
        errors["medicine"] = "choose methadone, buprenorphine, buprenorphine PR or other"
        return errors
    if data.interval not in {i.value for i in DoseInterval}:
        errors["interval"] = "interval must be daily, weekly or monthly"
        return errors
    limits = DOSE_RANGE.get((data.medicine, data.interval))
    if limits is None:
        allowed = "daily" if data.medicine in ORAL else "weekly or monthly"
        errors["interval"] = f"this medicine is given {allowed}"
    elif not limits[0] <= data.dose_mg <= limits[1]:
        errors["dose_mg"] = (
            f"{data.dose_mg:g} mg {data.interval} is outside {limits[0]:g}–{limits[1]:g} mg: "
            "check the unit (mg, not ml)"
        )
    if data.dispensing and data.dispensing not in {d.value for d in Dispensing}:
        errors["dispensing"] = "dispensing must be one of the listed choices"
    if data.medicine in ORAL and not data.dispensing:
        errors["dispensing"] = "oral medicines need a dispensing arrangement"
    if len(data.pharmacy) > 120:
        errors["pharmacy"] = "at most 120 characters"
    errors.update(_check_product(data))
    errors.update(_check_days(data))
    return errors


def _check_product(data: PrescriptionInput) -> dict[str, str]:
    """The form and strength belongs to the medicine and is given at its interval."""
    if data.medicine == Medicine.OTHER:
        text = " ".join(data.product_text.split())
        if len(text) > 120:
            return {"product_text": "at most 120 characters"}
        if validate.control_character(text):
            return {"product_text": "has a control character"}
        return {}
    if not data.product:
        return {}
    found = {p.key: p for p in products.PRODUCTS.get(data.medicine, ())}.get(data.product)
    if found is None:
        return {"product": "choose the form and strength from this medicine's list"}
    if found.interval is not None and found.interval != data.interval:
        return {"product": f"this product is given {found.interval}: match the interval"}
    return {}


def _check_days(data: PrescriptionInput) -> dict[str, str]:
    """Instalment days: real days; supervised ones among them; fitting the dispensing."""
    try:
        pickup = products.parse_days(data.pickup_days)
    except ValueError as exc:
        return {"pickup_days": str(exc)}
    try:
        supervised = products.parse_days(data.supervised_days)
    except ValueError as exc:
        return {"supervised_days": str(exc)}
    if data.medicine in products.INJECTION:
        if pickup or supervised:
            return {"pickup_days": "an injection has no pick-up days: it is not taken home"}
        return {}
    if set(supervised) - set(pickup):
        return {"supervised_days": "a supervised day must also be a pick-up day"}
    if not pickup:
        return {}
    if data.dispensing == Dispensing.SUPERVISED and not supervised:
        return {"supervised_days": "supervised consumption: mark which days are supervised"}
    if data.dispensing == Dispensing.WEEKLY and len(pickup) != 1:
        return {"pickup_days": "weekly pick-up is one day a week"}
    if data.dispensing == Dispensing.DAILY_PICKUP and len(pickup) < 6:
        return {"pickup_days": "daily pick-up is six or seven days a week"}
    if data.dispensing == Dispensing.MULTI_DAY_PICKUP and len(pickup) < 2:
        return {"pickup_days": "multi-day pick-up is two or more days a week"}
    return {}
