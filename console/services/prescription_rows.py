"""What a new prescription row holds beyond its dose: the product's form and strength, the
instalment days and the directory's pharmacy. Used by both paths that write a dose row
(a prescription change, a review's OST decision), so they cannot disagree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.rules.products import default_product, parse_days
from console.rules.vocab import Medicine
from console.services.dto import PrescriptionInput
from console.services.pharmacies import active_pharmacy

if TYPE_CHECKING:
    from sqlmodel import Session

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
