"""The worklist (SPEC §3.7): reviews overdue and due soon, check-ups, follow-ups, drift.

Read from the patient row caches through indexed selects (db.queries.worklist); one row
per patient, its reasons joined. Reception sees reviews and check-ups only (SPEC §1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING

import sqlalchemy as sa

from console.letters import milestones
from console.rules.caches import from_row
from console.rules.flags import drift_reasons
from console.rules.schedule import DUE_SOON_DAYS
from console.services.roles import Action, allowed
from console.services.validated import validated
from db.queries import worklist as queries

if TYPE_CHECKING:
    from console.services import Services

LIMIT = 250  # per kind on screen (the CLI reads all); the title says when cut short


@dataclass(frozen=True)
class WorkItem:
    patient_id: int
    nhs_number: str
    family_name: str
    given_name: str
    due: dt.date | None
    reasons: tuple[str, ...]
    recall: bool  # a recall or invitation letter applies (review or check-up)
    consent_letters_home: bool


@dataclass(frozen=True)
class Worklist:
    items: tuple[WorkItem, ...]
    today: dt.date
    due_within: int
    truncated: bool


@validated
class WorklistService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def items(
        self,
        due_within: int = DUE_SOON_DAYS,
        *,
        clinical_reasons: bool = True,
        limit: int | None = LIMIT,
    ) -> Worklist:
        staff = self._s.staff
        today = self._s.clock.today()
        by = today.add(days=due_within)
        clinical = clinical_reasons and allowed(staff.roles, Action.VIEW_CLINICAL)
        found: dict[int, tuple[sa.RowMapping, list[tuple[dt.date | None, str]], bool]] = {}
        truncated = False

        def add(row: sa.RowMapping, due: dt.date | None, reason: str, recall: bool) -> None:
            entry = found.setdefault(row["id"], (row, [], False))
            entry[1].append((due, reason))
            if recall and not entry[2]:
                found[row["id"]] = (entry[0], entry[1], True)

        with self._s.uow.read(staff, Action.VIEW_LIST) as session:
            rows = queries.reviews_due(session=session, by=by, limit=limit)
            truncated |= len(rows) == limit
            for r in rows:
                due = r["next_review_due"]
                word = "review overdue" if due < today else "review due"
                add(r, due, word, True)
            rows = queries.checkups_due(session=session, by=by, limit=limit)
            truncated |= len(rows) == limit
            for r in rows:
                add(r, r["next_checkup_due"], "check-up due", True)
            if clinical:
                rows = queries.followups_due(session=session, by=by, limit=limit)
                truncated |= len(rows) == limit
                for r in rows:
                    add(r, r["next_linkage_followup"], "follow-up due", False)
                rows = queries.drift_candidates(
                    session=session,
                    today=today,
                    started_by=today.subtract(years=2),
                    review_before=today.subtract(months=6),
                    limit=limit,
                )
                truncated |= len(rows) == limit
                for r in rows:
                    if drift_reasons(from_row(SimpleNamespace(**r)), today):
                        add(r, None, "drift guard", False)
                # Milestones coming up, so the milestone letter can go on the day (H77).
                ranges = milestones.start_ranges(today, due_within)
                rows = queries.milestones_due(session=session, ranges=ranges, limit=limit)
                truncated |= len(rows) == limit
                for r in rows:
                    ahead = milestones.upcoming(r["recovery_start"], today, due_within)
                    if ahead is not None:
                        add(r, ahead.day, f"milestone: {ahead.words}", False)
        items = []
        for row, reasons, recall in found.values():
            dates = [d for d, _ in reasons if d is not None]
            items.append(
                WorkItem(
                    patient_id=row["id"],
                    nhs_number=row["nhs_number"],
                    family_name=row["family_name"],
                    given_name=row["given_name"],
                    due=min(dates) if dates else None,
                    reasons=tuple(dict.fromkeys(r for _, r in reasons)),
                    recall=recall,
                    consent_letters_home=bool(row["consent_letters_home"]),
                )
            )
        items.sort(key=lambda i: (i.due is None, i.due or today, i.family_name, i.patient_id))
        return Worklist(tuple(items), today, due_within, truncated)

    def recall_ids(self, due_within: int) -> list[int]:
        """Patients a recall or invitation letter is for: review or check-up due by then."""
        listed = self.items(due_within, clinical_reasons=False, limit=None)  # all of them
        return [i.patient_id for i in listed.items if i.recall]
