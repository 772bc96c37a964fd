"""Practice settings (the one practice this database serves)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session

from console.clock import valid_zone
from console.rules.validate import EMAIL, control_character
from console.services.dto import Practice, PracticeInput
from console.services.errors import Invalid
from console.services.roles import Action
from console.services.validated import validated
from db.models import PracticeSettings, table_of

if TYPE_CHECKING:
    from console.services import Services


def _settings_row(session: Session) -> sa.Row[Any] | None:
    """The settings row as a Core row (attribute access as on the model): start-up reads it
    before the first frame, and an ORM query there would configure every mapper first."""
    t = table_of(PracticeSettings)
    return session.connection().execute(sa.select(t).where(t.c.id == 1)).first()


def _practice(row: PracticeSettings | sa.Row[Any] | None) -> Practice:
    row = row or PracticeSettings(id=1)
    return Practice(
        name=row.name,
        address=row.address,
        phone=row.phone,
        email=row.email,
        ods_code=row.ods_code,
        timezone=row.timezone,
        barc10_fall_threshold=row.barc10_fall_threshold,
        is_demo=row.is_demo,
        version=row.version,
        signature=row.signature,
        accessibility=row.accessibility,
        idle_minutes=row.idle_minutes,
    )


ODS_CODE = re.compile(r"^[A-Z][0-9]{5}$")  # a GP practice's: a letter then five digits
PHONE = re.compile(r"^\+?[0-9][0-9 ]{5,28}$")
# (field, most characters, may hold line breaks)
TEXTS = (
    ("name", 120, False),
    ("address", 300, True),
    ("signature", 300, True),
    ("accessibility", 300, False),
)


def _number(text: str, low: int, high: int, what: str, errors: dict[str, str], key: str) -> int:
    value = text.strip()
    if not value.isdigit() or not low <= int(value) <= high:
        errors[key] = f"{what}: a whole number from {low} to {high}"
        return low
    return int(value)


def check_practice(data: PracticeInput) -> dict[str, object]:
    """Every field of the practice details form, checked; the values to store."""
    if not isinstance(data, PracticeInput):
        raise Invalid({"practice": "practice details are required"})
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for key, most, lines in TEXTS:
        raw = getattr(data, key)
        if not isinstance(raw, str):
            errors[key] = "must be text"
            continue
        text = "\n".join(" ".join(line.split()) for line in raw.strip().splitlines())
        text = text if lines else " ".join(text.split())
        if len(text) > most:
            errors[key] = f"at most {most} characters"
        elif control_character(text.replace("\n", " ")):
            errors[key] = "has a control character"
        values[key] = text
    if not values.get("name"):
        errors.setdefault("name", "the practice's name is required")
    phone = " ".join(str(data.phone).split())
    if phone and not PHONE.match(phone):
        errors["phone"] = "digits and spaces, with + for an international number"
    email = str(data.email).strip()
    if email and (len(email) > 120 or not EMAIL.match(email)):
        errors["email"] = "an email address such as reception@moorside.nhs.uk"
    ods = str(data.ods_code).strip().upper()
    if ods and not ODS_CODE.match(ods):
        errors["ods_code"] = "a letter then five digits, e.g. B86001"
    zone = str(data.timezone).strip()
    if not valid_zone(zone):
        errors["timezone"] = "an IANA time zone such as Europe/London"
    values.update(
        phone=phone,
        email=email,
        ods_code=ods,
        timezone=zone,
        barc10_fall_threshold=_number(
            str(data.barc10_fall_threshold), 1, 50, "BARC-10 fall", errors, "barc10_fall_threshold"
        ),
        idle_minutes=_number(str(data.idle_minutes), 1, 240, "idle lock", errors, "idle_minutes"),
    )
    if errors:
        raise Invalid(errors)
    return values


@validated
class PracticeService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def get(self) -> Practice:
        """Everyone sees the practice name in the header, so this needs no role."""
        with Session(self._s.engine) as session:  # Core: on the start-up path
            return _practice(_settings_row(session))

    def is_set_up(self) -> bool:
        """False on a new database until demo data is loaded or the practice is named."""
        with Session(self._s.engine) as session:
            return _settings_row(session) is not None

    def set_up(self, name: str) -> Practice:
        """First run, starting empty: record the practice's name (admin)."""
        name = " ".join(name.split())
        if not name or len(name) > 120:
            raise Invalid({"name": "practice name is required (at most 120 characters)"})
        if control_character(name):
            raise Invalid({"name": "practice name has a control character"})
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            row = tx.session.get(PracticeSettings, 1) or PracticeSettings(id=1)
            row.name = name
            tx.session.add(row)
            tx.audit("practice.set_up", entity="practice_settings", entity_id=1)
            return _practice(row)

    def letterhead(self, data: PracticeInput, width: int) -> list[str]:
        """The letterhead these details print, as text lines (the screen's preview); no
        database, no role: it shows only what was typed."""
        from console.letters.model import Letterhead

        ods = str(data.ods_code).strip().upper()
        head = Letterhead(data.name, data.address, data.phone, data.email, ods)
        return head.text_lines(width)

    def update(self, data: PracticeInput, version: int) -> Practice:
        """The practice details screen (admin): every field checked, one audited write
        naming the fields changed; a save over a colleague's newer change is refused."""
        values = check_practice(data)
        if not isinstance(version, int) or isinstance(version, bool):
            raise Invalid({"version": "the version the form was opened at is required"})
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            row = tx.session.get(PracticeSettings, 1)
            if row is None:
                row = PracticeSettings(id=1)
                tx.session.add(row)
                tx.session.flush()
            tx.check_version(row, version, "practice's details", self._s.clock.tz)
            changed = sorted(k for k, v in values.items() if getattr(row, k) != v)
            for key in changed:
                setattr(row, key, values[key])
            tx.audit(
                "practice.update",
                entity="practice_settings",
                entity_id=1,
                detail={"fields": changed},
            )
            practice = _practice(row)
        self._s.clock.tz = practice.timezone  # "today" is the practice's day from now on
        return practice

    def update_name(self, name: str) -> Practice:
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            row = tx.session.get(PracticeSettings, 1) or PracticeSettings(id=1)
            row.name = name.strip()
            row.version += 1
            tx.session.add(row)
            tx.audit(
                "practice.update",
                entity="practice_settings",
                entity_id=1,
                detail={"fields": ["name"]},
            )
            return _practice(row)
