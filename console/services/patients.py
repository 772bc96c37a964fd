"""Patients: the list search, opening a record (audited), registration and demographics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session, select

from console.rules import caches as cache_rules
from console.rules import search as search_rules
from console.rules import validate
from console.rules.flags import flag_limits, list_flags, review_overdue
from console.services.dto import (
    Keyworker,
    PageKey,
    PatientInput,
    PatientPage,
    PatientRecord,
    PatientRow,
)
from console.services.errors import Forbidden, Invalid, NotFound
from console.services.opening import opens
from console.services.roles import Action, allowed, needed
from console.services.validated import validated
from db.changes import ChangeWatch
from db.models import Patient, Staff
from db.queries import patients as queries

if TYPE_CHECKING:
    import pendulum

    from console.services import Services

PAGE = 60
# the page query's columns a list row shows (besides the caches)
_LISTED = (
    "id",
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "status",
    "next_review_due",
    "episode_start",
    "last_strategic_review",
    "keyworker_name",
)
HOUSEHOLD_DEFAULTS: dict[str, object] = {"children_under_16": 0, "safe_storage_discussed": None}


@validated
class PatientService:
    def __init__(self, services: Services) -> None:
        self._s = services
        self._watch: ChangeWatch | None = None

    # -- the list -------------------------------------------------------------------
    def search(
        self,
        text: str,
        *,
        statuses: tuple[str, ...] = (),
        keyworker_id: int | None = None,
        due_within_days: int | None = None,
        overdue: bool = False,
        flagged: bool = False,
        by_review: bool = False,
        limit: int = PAGE,
        after: PageKey | None = None,
    ) -> PatientPage:
        """A page of the list. Filters combine with the text and with each other.

        `overdue` narrows to next review before today; `flagged` to patients with any list
        flag (clinical staff only: reception's list carries no clinical flags, SPEC §1);
        `by_review` orders by next review, soonest first and undated last.
        """
        staff = self._s.staff
        clinical = allowed(staff.roles, Action.VIEW_CLINICAL)
        if flagged and not clinical:
            raise Forbidden("filter the list by clinical flags", needed(Action.VIEW_CLINICAL))
        terms = search_rules.parse(text)
        today = self._s.clock.today()
        due_by = today.add(days=due_within_days) if due_within_days is not None else None
        if overdue:
            yesterday = today.subtract(days=1)
            due_by = yesterday if due_by is None else min(due_by, yesterday)
        with self._s.uow.read(staff, Action.VIEW_LIST) as session:
            # the S flag's threshold read with the page, in one transaction
            threshold = queries.barc10_threshold(session=session) if clinical else 6
            flag_dates = None
            if flagged:
                year_ago, two_years_ago, six_months_ago = flag_limits(today)
                flag_dates = queries.FlagDates(
                    today, year_ago, two_years_ago, six_months_ago, threshold
                )
            criteria = queries.Criteria(
                family_prefix=terms.family_prefix,
                given_prefix=terms.given_prefix,
                either_prefix=terms.either_prefix,
                nhs_prefix=terms.nhs_prefix,
                date_of_birth=terms.date_of_birth,
                nhs_or_dob=terms.nhs_or_dob,
                statuses=statuses,
                keyworker_id=keyworker_id,
                due_by=due_by,
                flagged_on=flag_dates,
                by_review=by_review,
            )
            found = queries.search(session=session, criteria=criteria, limit=limit + 1, after=after)
        page = list_rows(found[:limit], today, clinical, threshold)
        return PatientPage(tuple(page), text, more=len(found) > limit)

    def list_version(self) -> int:
        """A number that moves whenever anything was committed, by this console or another:
        the list polls it and re-runs its page query only when it moved. It carries no
        patient data (db/changes.py: one dedicated connection, no table scanned)."""
        if self._watch is None:
            self._watch = ChangeWatch(self._s.engine)
        return self._watch.version()

    def close_watch(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    def keyworkers(self) -> tuple[Keyworker, ...]:
        """Active staff, by name, for the list's keyworker filter."""
        with self._s.uow.read(self._s.staff, Action.VIEW_LIST) as session:
            rows = session.exec(
                select(Staff.id, Staff.name).where(Staff.active).order_by(Staff.name, Staff.id)
            ).all()
        return tuple(Keyworker(id=i, name=n) for i, n in rows if i is not None)

    def counts(self) -> tuple[int, int, int]:
        """(patients, overdue, due within 28 days) for the list's status line."""
        today = self._s.clock.today()
        with self._s.uow.read(self._s.staff, Action.VIEW_LIST) as session:
            total = queries.count_all(session=session)
            overdue = queries.count_due(session=session, on_or_before=today.subtract(days=1))
            soon = queries.count_due(session=session, on_or_before=today.add(days=28)) - overdue
        return total, overdue, soon

    # -- one record -----------------------------------------------------------------
    @opens("patient")
    def open(self, patient_id: int) -> PatientRecord:
        """Open a record: viewing clinical detail is itself audited (SPEC §2)."""
        with self._s.uow.write(self._s.staff, Action.VIEW_CLINICAL) as tx:
            row = tx.session.get(Patient, patient_id)
            if row is None:
                raise NotFound("no such patient")
            tx.audit("patient.open", entity="patient", entity_id=row.id, patient_id=row.id)
            return to_record(row)

    def demographics(self, patient_id: int) -> PatientRecord:
        """Demographics and consent only, for the edit form (reception may edit these).

        Not audited as a view: it shows nothing beyond the registration details.
        """
        with self._s.uow.read(self._s.staff, Action.REGISTER_PATIENT) as session:
            row = session.get(Patient, patient_id)
            if row is None:
                raise NotFound("no such patient")
            return to_record(row)

    def register(self, data: PatientInput) -> PatientRecord:
        clean = self._validate(data)
        with self._s.uow.write(self._s.staff, Action.REGISTER_PATIENT) as tx:
            self._check_people(tx.session, clean, None)
            if tx.session.exec(
                select(Patient.id).where(Patient.nhs_number == clean["nhs_number"])
            ).first():
                raise Invalid(
                    {"nhs_number": "a patient with this NHS number is already registered"}
                )
            row = Patient(**clean, is_demo=False)
            tx.session.add(row)
            tx.session.flush()
            tx.audit("patient.register", entity="patient", entity_id=row.id, patient_id=row.id)
            return to_record(row)

    def update(self, patient_id: int, version: int, data: PatientInput) -> PatientRecord:
        clean = self._validate(data)
        with self._s.uow.write(self._s.staff, Action.REGISTER_PATIENT) as tx:
            row = tx.session.get(Patient, patient_id, with_for_update=True)
            if row is None:
                raise NotFound("no such patient")
            tx.check_version(row, version, "patient record", self._s.clock.tz)
            self._check_people(tx.session, clean, row)
            clash = tx.session.exec(
                select(Patient.id).where(
                    Patient.nhs_number == clean["nhs_number"], Patient.id != patient_id
                )
            ).first()
            if clash:
                raise Invalid(
                    {"nhs_number": "a patient with this NHS number is already registered"}
                )
            changed = sorted(k for k, v in clean.items() if getattr(row, k) != v)
            from console.services import history_tallies, tallies  # not before the first page

            held = tallies.held_row(tx.session, row)
            for key, value in clean.items():
                setattr(row, key, value)
            tallies.move(tx.session, row, held)  # a new keyworker moves their counts
            assert row.id is not None
            history_tallies.move(tx.session, row.id)  # and their history's
            tx.audit(
                "patient.update",
                entity="patient",
                entity_id=row.id,
                patient_id=row.id,
                detail={"fields": changed},
            )
            return to_record(row)

    def _validate(self, data: PatientInput) -> dict[str, object]:
        today = self._s.clock.today()
        clean, errors = validate.patient_fields(asdict(data), today=today)
        if not {"phone", "email"} & errors.keys():
            try:
                clean["preferred_contact"] = validate.preferred_contact(
                    data.preferred_contact,
                    phone=str(clean["phone"]),
                    email=str(clean["email"]),
                    letters_home=data.consent_letters_home,
                )
            except validate.FieldError as exc:
                errors["preferred_contact"] = str(exc)
        clean["consent_family_contact"] = bool(data.consent_family_contact)
        clean["consent_share_specialist"] = bool(data.consent_share_specialist)
        clean["keyworker_id"] = data.keyworker_id
        household: dict[str, Callable[[str], object]] = {
            "children_under_16": validate.children,
            "safe_storage_discussed": lambda t: validate.date(t, today=today, required=False),
        }
        for key, check in household.items():
            text = getattr(data, key)
            if text is None:  # not on the form (reception): the stored value stays
                continue
            try:
                clean[key] = check(text)
            except validate.FieldError as exc:
                errors[key] = str(exc)
        if errors:
            raise Invalid(errors)
        return clean

    def _check_people(
        self, session: Session, clean: dict[str, object], row: Patient | None
    ) -> None:
        """The keyworker is active staff; household details are a clinician's or recovery
        worker's to change (SPEC §1), so a change by anyone else is refused."""
        keyworker = clean["keyworker_id"]
        unchanged = row is not None and keyworker == row.keyworker_id
        if keyworker is not None and not unchanged:
            staff = session.get(Staff, keyworker)
            if staff is None or not staff.active:
                raise Invalid({"keyworker_id": "choose an active member of staff"})
        before = {k: getattr(row, k) if row else v for k, v in HOUSEHOLD_DEFAULTS.items()}
        changed = [k for k in HOUSEHOLD_DEFAULTS if k in clean and clean[k] != before[k]]
        if changed and not allowed(self._s.staff.roles, Action.EDIT_HOUSEHOLD):
            raise Forbidden(Action.EDIT_HOUSEHOLD.value, needed(Action.EDIT_HOUSEHOLD))


def to_record(row: Patient) -> PatientRecord:
    assert row.id is not None
    return PatientRecord(
        id=row.id,
        nhs_number=row.nhs_number,
        family_name=row.family_name,
        given_name=row.given_name,
        date_of_birth=row.date_of_birth,
        sex=row.sex,
        address_line_1=row.address_line_1,
        address_line_2=row.address_line_2,
        town=row.town,
        postcode=row.postcode,
        phone=row.phone,
        email=row.email,
        consent_letters_home=row.consent_letters_home,
        status=row.status,
        recovery_start=row.recovery_start,
        next_review_due=row.next_review_due,
        version=row.version,
        preferred_contact=row.preferred_contact,
        consent_family_contact=row.consent_family_contact,
        consent_share_specialist=row.consent_share_specialist,
        keyworker_id=row.keyworker_id,
        children_under_16=row.children_under_16,
        safe_storage_discussed=row.safe_storage_discussed,
        date_of_death=row.date_of_death,
    )


def list_rows(
    found: list[tuple[PageKey, sa.Row[tuple[object, ...]]]],
    today: pendulum.Date,
    clinical: bool,
    threshold: int,
) -> list[PatientRow]:
    """The page's rows, each column read by its position (found once a page: a row's
    names are rebuilt on every ask, and a page is built on every keystroke)."""
    if not found:
        return []
    keys = found[0][1]._fields
    caches_of = cache_rules.reader(keys)
    at = {name: keys.index(name) for name in _LISTED}
    i_id, i_nhs, i_family, i_given, i_born, i_status, i_due = (at[n] for n in _LISTED[:7])
    i_start, i_last, i_keyworker = (
        at["episode_start"],
        at["last_strategic_review"],
        at["keyworker_name"],
    )
    out = []
    for key, r in found:
        # the caches as they stand today: a dose change dated today or earlier is in force
        caches = cache_rules.effective(caches_of(r), today)
        if clinical:
            flags = list_flags(caches, today, threshold)  # the alert letters, uncut
        else:
            # Reception sees "review due" only: no OST, no clinical flags (SPEC §1).
            flags = "R" if review_overdue(caches, today) else ""
        out.append(
            PatientRow(
                id=r[i_id],
                nhs_number=r[i_nhs],
                family_name=r[i_family],
                given_name=r[i_given],
                date_of_birth=r[i_born],
                status=r[i_status],
                next_review_due=r[i_due],
                medicine=caches.current_medicine if clinical else None,
                dose_mg=caches.current_dose_mg if clinical else None,
                episode_start=r[i_start] if clinical else None,
                last_review=r[i_last] if clinical else None,
                flags=flags,
                sort_key=key,
                keyworker=r[i_keyworker] or "",
            )
        )
    return out
