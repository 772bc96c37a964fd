"""Health checks (SPEC §2, reference/health-and-linkage.md): the results each kind allows,
the checks on a new event, the row caches derived from the events, and the words that
say what is due. Pure: no database, no Textual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from console.rules.vocab import HealthCheckKind as K
from console.rules.vocab import InjectingStatus

DETAIL_LIMIT = 200
TRAINED = "family or friends trained"

KIND_LABEL: dict[str, str] = {
    K.HEP_B_DOSE: "Hepatitis B vaccine dose",
    K.HEP_B_STATUS: "Hepatitis B status",
    K.HCV_ANTIBODY: "Hepatitis C antibody test",
    K.HCV_RNA: "Hepatitis C RNA (PCR) test",
    K.HCV_TREATMENT: "Hepatitis C treatment",
    K.HIV_TEST: "HIV test",
    K.SITE_CHECK: "Injecting site / DVT check",
    K.NALOXONE: "Naloxone supplied",
    K.INJECTING_STATUS: "Injecting status",
}

# (stored value, label) per kind, in the order a form offers them. Site-check findings and
# naloxone forms are stored as words, as the demonstration data and earlier records hold them.
RESULTS: dict[str, tuple[tuple[str, str], ...]] = {
    K.HEP_B_DOSE: (
        ("1", "dose 1"),
        ("2", "dose 2"),
        ("3", "dose 3"),
        ("completed", "course completed"),
    ),
    K.HEP_B_STATUS: (
        ("accepted", "accepted vaccination"),
        ("refused", "refused vaccination"),
        ("already_immunised", "already immunised"),
        ("acquired_immunity", "acquired immunity"),
        ("not_offered", "not offered"),
    ),
    K.HCV_ANTIBODY: (
        ("negative", "negative"),
        ("positive", "positive"),
        ("awaiting", "taken, result awaited"),
        ("refused", "offered, refused"),
    ),
    K.HCV_RNA: (
        ("not_detected", "not detected"),
        ("detected", "detected"),
        ("awaiting", "taken, result awaited"),
        ("refused", "offered, refused"),
    ),
    K.HCV_TREATMENT: (
        ("referred", "referred for treatment"),
        ("started", "treatment started"),
        ("completed", "treatment completed"),
        ("not_completed", "stopped before completion"),
        ("declined", "declined treatment"),
    ),
    K.HIV_TEST: (
        ("negative", "negative"),
        ("positive", "positive"),
        ("awaiting", "taken, result awaited"),
        ("refused", "offered, refused"),
    ),
    K.SITE_CHECK: (
        ("no concerns", "no concerns"),
        ("superficial thrombophlebitis", "superficial thrombophlebitis"),
        ("suspected DVT", "suspected DVT"),
        ("site infection", "site infection or abscess"),
        ("other", "other (say in detail)"),
    ),
    K.NALOXONE: (
        ("nasal (Nyxoid)", "nasal (Nyxoid)"),
        ("injection (Prenoxad)", "injection (Prenoxad)"),
    ),
    K.INJECTING_STATUS: (
        (InjectingStatus.NEVER.value, "never injected"),
        (InjectingStatus.PREVIOUSLY.value, "previously injected"),
        (InjectingStatus.CURRENTLY.value, "currently injecting"),
        (InjectingStatus.DECLINED.value, "declined to answer"),
    ),
}
INJECTING_LABEL = dict(RESULTS[K.INJECTING_STATUS])
HCV_TESTS = frozenset({K.HCV_ANTIBODY.value, K.HCV_RNA.value})
NOT_A_TEST = "refused"  # an offer turned down is not a test date
HBV_FULL_COURSE = 3
# Results that need a word of detail to mean anything.
NEEDS_DETAIL = {(K.SITE_CHECK.value, "other")}


class Event(NamedTuple):
    kind: str
    date: dt.date
    result: str


def result_label(kind: str, result: str) -> str:
    """The words for a stored result; an unknown one is shown as stored."""
    return dict(RESULTS.get(kind, ())).get(result, result.replace("_", " "))


def check_health(
    kind: str, check_date: dt.date | None, result: str, detail: str, today: dt.date
) -> dict[str, str]:
    """Errors by field for a new health event (empty when it may be saved)."""
    errors: dict[str, str] = {}
    if kind not in RESULTS:
        errors["kind"] = "choose what was checked from the list"
        return errors
    if check_date is None:
        errors["check_date"] = "date is required (DD/MM/YYYY)"
    elif check_date > today:
        errors["check_date"] = "date cannot be in the future"
    elif check_date.year < 1900:
        errors["check_date"] = "date cannot be before 1900"
    allowed = dict(RESULTS[kind])
    if result not in allowed:
        errors["result"] = "choose one of: " + ", ".join(allowed.values())
    if len(detail.strip()) > DETAIL_LIMIT:
        errors["detail"] = f"at most {DETAIL_LIMIT} characters"
    elif (kind, result) in NEEDS_DETAIL and not detail.strip():
        errors["detail"] = "say what was found"
    return errors


def naloxone_detail(detail: str, family_trained: bool) -> str:
    """The stored detail of a naloxone supply: whether family or friends were trained first."""
    text = " ".join(detail.split())
    if not family_trained:
        return text
    return f"{TRAINED}; {text}" if text else TRAINED


def family_trained(detail: str) -> bool:
    """Whether a naloxone supply's detail records training ("partner trained" included)."""
    return "trained" in detail.lower() and "not trained" not in detail.lower()


# -- the caches ---------------------------------------------------------------------
def _latest(events: Iterable[Event]) -> Event | None:
    ordered = sorted(events, key=lambda e: e.date)
    return ordered[-1] if ordered else None


def last_naloxone(events: Iterable[Event]) -> dt.date | None:
    found = _latest(e for e in events if e.kind == K.NALOXONE)
    return found.date if found else None


def last_hcv_test(events: Iterable[Event]) -> dt.date | None:
    """The latest hepatitis C antibody or RNA test actually taken."""
    found = _latest(e for e in events if e.kind in HCV_TESTS and e.result != NOT_A_TEST)
    return found.date if found else None


def hbv_completed(events: Iterable[Event]) -> dt.date | None:
    """When the hepatitis B course was completed: the first third dose or "course
    completed" record (later doses are boosters or a repeat course)."""
    done = [
        e.date
        for e in events
        if e.kind == K.HEP_B_DOSE and e.result in (str(HBV_FULL_COURSE), "completed")
    ]
    return min(done) if done else None


def hbv_doses(events: Iterable[Event]) -> int:
    """The highest dose number recorded (3 once a course is completed)."""
    doses = [e.result for e in events if e.kind == K.HEP_B_DOSE]
    if "completed" in doses:
        return HBV_FULL_COURSE
    return max((int(d) for d in doses if d.isdigit()), default=0)


def injecting(events: Iterable[Event]) -> tuple[str, dt.date | None]:
    """(status, date it was recorded if "currently") from the latest injecting record."""
    found = _latest(e for e in events if e.kind == K.INJECTING_STATUS)
    if found is None:
        return "", None
    return found.result, found.date if found.result == InjectingStatus.CURRENTLY else None


# -- what is due, in words ----------------------------------------------------------
def _date(value: dt.date) -> str:
    return f"{value.day} {value:%b %Y}"


def _years(value: dt.date, years: int) -> dt.date:
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)


def year_ago(today: dt.date) -> dt.date:
    return _years(today, -1)


def naloxone_text(last: dt.date | None, today: dt.date) -> str:
    if last is None:
        return "Naloxone: never supplied — offer a kit and training"
    if last < year_ago(today):
        return f"Naloxone: last supplied {_date(last)} — over 12 months: offer a new kit"
    return f"Naloxone: last supplied {_date(last)} — within 12 months"


def hcv_text(last: dt.date | None, injecting_status: str, today: dt.date) -> str:
    injecting_now = injecting_status == InjectingStatus.CURRENTLY
    if last is None:
        return "Hepatitis C: never tested" + (" — due now (injecting)" if injecting_now else "")
    text = f"Hepatitis C: last tested {_date(last)}"
    if not injecting_now:
        return text
    if last < year_ago(today):
        return text + " — over 12 months while injecting: due now"
    return text + f" — retest by {_date(_years(last, 1))} (injecting)"


# After a positive antibody the next step is an RNA test, then treatment: a retest date
# would hide that step (hazard H27).
HCV_PATHWAY = (K.HCV_ANTIBODY.value, K.HCV_RNA.value, K.HCV_TREATMENT.value)


def hcv_next_step(events: Iterable[Event]) -> str | None:
    """What the hepatitis C pathway needs next, or None when only routine retesting is."""
    steps = [e for e in events if e.kind in HCV_PATHWAY and e.result != "refused"]
    if not steps:
        return None
    # same-day records read in pathway order: antibody, then RNA, then treatment
    last = max(steps, key=lambda e: (e.date, HCV_PATHWAY.index(e.kind)))
    when = _date(last.date)
    if last.result == "awaiting":
        test = "antibody" if last.kind == K.HCV_ANTIBODY else "RNA (PCR)"
        return f"Hepatitis C: {test} test taken {when}, result awaited"
    if last.kind == K.HCV_ANTIBODY and last.result == "positive":
        return f"Hepatitis C: antibody positive {when} — RNA (PCR) test due"
    if last.kind == K.HCV_RNA and last.result == "detected":
        return f"Hepatitis C: RNA detected {when} — refer for treatment"
    if last.kind == K.HCV_TREATMENT and last.result in ("referred", "started"):
        return f"Hepatitis C: {result_label(K.HCV_TREATMENT, last.result)} {when}"
    if last.kind == K.HCV_TREATMENT and last.result in ("not_completed", "declined"):
        return (
            f"Hepatitis C: {result_label(K.HCV_TREATMENT, last.result)} {when}"
            " — offer treatment again"
        )
    return None


def hbv_text(completed: dt.date | None, doses: int, status: str) -> str:
    if completed is not None:
        return f"Hepatitis B: course completed {_date(completed)}"
    if status in ("already_immunised", "acquired_immunity"):
        return f"Hepatitis B: {result_label(K.HEP_B_STATUS, status)} — no course needed"
    if status == "refused" and doses == 0:
        return "Hepatitis B: vaccination refused"
    if doses:
        return f"Hepatitis B: {doses} of 3 doses — dose {doses + 1} due"
    if status == "accepted":
        return "Hepatitis B: vaccination accepted — dose 1 due"
    return "Hepatitis B: no doses recorded — offer vaccination"


def injecting_text(status: str, recorded: dt.date | None) -> str:
    if not status:
        return "Injecting: not recorded — ask"
    text = f"Injecting: {INJECTING_LABEL.get(status, status)}"
    return text + (f" (recorded {_date(recorded)})" if recorded else "")


def hiv_text(last: Event | None) -> str:
    if last is None:
        return "HIV: no test recorded — offer a test"
    return f"HIV: {result_label(K.HIV_TEST, last.result)}, {_date(last.date)}"


def site_text(last: Event | None, injecting_status: str) -> str:
    injecting_now = injecting_status == InjectingStatus.CURRENTLY
    if last is None:
        return "Sites / DVT: no check recorded" + (
            " — check now (injecting)" if injecting_now else ""
        )
    return f"Sites / DVT: last checked {_date(last.date)}, {last.result}"


def latest(events: Iterable[Event], kind: str) -> Event | None:
    """The latest event of one kind."""
    return _latest(e for e in events if e.kind == kind)
