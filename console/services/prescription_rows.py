"""Prescription rows: what a new one holds beyond its dose (the product's form and strength,
the instalment days and the directory's pharmacy), used by both paths that write a dose row
(a prescription change, a review's OST decision), so they cannot disagree; and the reads
of which row is open or in force on a day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_
from sqlmodel import Session, select

from console.rules.products import default_product, parse_days
from console.rules.vocab import Medicine
from console.services.dto import PrescriptionInput, PrescriptionSafety
from console.services.pharmacies import active_pharmacy
from db.models import Prescription


def row_facts(session: Session, data: PrescriptionInput) -> dict[str, object]:
    """The new row's columns from checked input; the pharmacy's name from the directory."""
    pharmacy = data.pharmacy.strip()
    if data.pharmacy_id is not None:
        pharmacy = active_pharmacy(session, data.pharmacy_id).name
    other = data.medicine == Medicine.OTHER
    return {
        "medicine": data.medicine,
        "dose_mg": data.dose_mg,
        "interval": data.interval,
        "dispensing": data.dispensing,
        "pharmacy": pharmacy,
        "pharmacy_id": data.pharmacy_id,
        "product": "" if other else data.product or default_product(data.medicine, data.interval),
        "product_text": " ".join(data.product_text.split()) if other else "",
        "pickup_days": ",".join(parse_days(data.pickup_days)),
        "supervised_days": ",".join(parse_days(data.supervised_days)),
    }


def carried(current: Prescription | None, medicine: str, interval: str) -> dict[str, object]:
    """A review's dose change keeps the product, instalments and pharmacy of the same
    medicine; a new medicine starts with its only product, if it has one (a clinician
    records the rest with the prescription form)."""
    if current is not None and current.medicine == medicine and current.interval == interval:
        return {
            "product": current.product,
            "product_text": current.product_text,
            "pickup_days": current.pickup_days,
            "supervised_days": current.supervised_days,
            "pharmacy_id": current.pharmacy_id,
        }
    return {
        "product": default_product(medicine, interval),
        "pharmacy_id": current.pharmacy_id if current is not None else None,
    }


def current_row(session: Session, patient_id: int) -> Prescription | None:
    """The open dose row the summary's alerts read (the latest, if there were ever two)."""
    return session.exec(
        select(Prescription)
        .where(
            Prescription.patient_id == patient_id,
            Prescription.end_date.is_(None),  # type: ignore[union-attr]
        )
        .order_by(Prescription.start_date.desc(), Prescription.id.desc())  # type: ignore[attr-defined,union-attr]
        .limit(1)
    ).first()


def in_force(session: Session, patient_id: int, today: dt.date) -> Prescription | None:
    """The dose row in force today (not one a review dated to start later)."""
    return session.exec(
        select(Prescription)
        .where(
            Prescription.patient_id == patient_id,
            Prescription.start_date <= today,
            or_(Prescription.end_date.is_(None), Prescription.end_date > today),  # type: ignore[union-attr,operator]
        )
        .order_by(Prescription.start_date.desc(), Prescription.id.desc())  # type: ignore[attr-defined,union-attr]
        .limit(1)
    ).first()


def safety_of(row: Prescription) -> PrescriptionSafety:
    return PrescriptionSafety(
        medicine=row.medicine,
        dose_mg=row.dose_mg,
        missed_doses_in_row=row.missed_doses_in_row,
        ecg_date=row.ecg_date,
        qtc_ms=row.qtc_ms,
        sedatives=tuple(s.strip() for s in row.sedatives.split(",") if s.strip()),
        version=row.version,
    )


def has_open_row(session: Session, patient_id: int) -> bool:
    found = session.exec(
        select(Prescription.id).where(
            Prescription.patient_id == patient_id,
            Prescription.end_date.is_(None),  # type: ignore[union-attr]
        )
    ).first()
    return found is not None


def end_open_rows(session: Session, patient_id: int, on: dt.date) -> None:
    """End every row still running on `on`, and any dated to start later (a dose change
    planned by a review), so nothing is in force after it."""
    for row in session.exec(
        select(Prescription).where(
            Prescription.patient_id == patient_id,
            or_(Prescription.end_date.is_(None), Prescription.end_date > on),  # type: ignore[union-attr,operator]
        )
    ):
        row.end_date = max(on, row.start_date)
        row.version += 1
