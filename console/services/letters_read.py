"""What letters read: the letterhead, each patient's facts, which recall letter applies."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from console.letters.compose import PatientFacts
from console.letters.model import Letterhead
from db.models import PracticeSettings, Staff
from db.queries import letters as queries

if TYPE_CHECKING:
    from sqlmodel import Session


def file_checksum(path: Path) -> str:
    """SHA-256 of a kept PDF, read in blocks (a batch may be large); '' when missing."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def recall_key(patient: object, today: object) -> str | None:
    """Which recall letter: check-up invitation, overdue recall, or review invitation."""
    p = patient  # a row mapping
    if p["status"] == "post_exit_checkups" and p["next_checkup_due"] is not None:  # type: ignore[index]
        return "checkup_invitation"
    due = p["next_review_due"]  # type: ignore[index]
    if due is None:
        return None
    return "review_recall" if due < today else "review_invitation"  # type: ignore[operator]


def letterhead(session: Session) -> Letterhead:
    row = session.get(PracticeSettings, 1) or PracticeSettings(id=1)
    return Letterhead(
        row.name,
        row.address,
        row.phone,
        row.email,
        row.ods_code,
        signature=row.signature,
        accessibility=row.accessibility,
    )


def staff_title(session: Session, staff_id: int) -> str:
    """The professional title printed under the signer's name ("" when none is recorded)."""
    row = session.get(Staff, staff_id)
    return row.title if row is not None else ""


def facts_of(
    session: Session,
    ids: Sequence[int],
    *,
    with_clinical: bool = True,
    resource_id: int | None = None,
    today: dt.date | None = None,
) -> dict[int, PatientFacts]:
    rows = queries.patients(session=session, ids=ids)
    if not with_clinical:  # recall letters need names, addresses and dates only
        return {pid: PatientFacts(row) for pid, row in rows.items()}
    return {
        pid: PatientFacts(
            row,
            goals=queries.agreed_goals(session=session, patient_id=pid),
            prescription=queries.current_prescription(session=session, patient_id=pid, today=today),
            resource=queries.linked_resource(
                session=session, patient_id=pid, resource_id=resource_id
            ),
            plan=queries.agreed_plan(session=session, patient_id=pid),
        )
        for pid, row in rows.items()
    }
