"""The patient summary: one audited read that gathers every section and its alerts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from console.rules.alerts import AlertFacts, alerts
from console.rules.flags import ListCaches, drift_reasons
from console.rules.ost import continuous_start
from console.rules.schedule import CHECKUPS
from console.rules.vocab import DRUG_PANEL, EXIT_REASONS, ExitGroup
from console.services import summary_dto as d
from console.services.errors import NotFound
from console.services.patients import to_record
from console.services.roles import Action
from db.models import Patient, PracticeSettings
from db.queries import reviews as review_queries
from db.queries import summary as q

if TYPE_CHECKING:
    import pendulum

    from console.services import Services

HBV_NOT_NEEDED = {"already_immunised", "acquired_immunity", "refused"}


class SummaryService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def open(self, patient_id: int) -> d.PatientSummary:
        """Open a patient's summary; the view of clinical detail is audited (SPEC §2)."""
        today = self._s.clock.today()
        with self._s.uow.write(self._s.staff, Action.VIEW_CLINICAL) as tx:
            session = tx.session
            patient = session.get(Patient, patient_id)
            if patient is None:
                raise NotFound("no such patient")
            settings = session.get(PracticeSettings, 1)
            threshold = settings.barc10_fall_threshold if settings else 6
            episodes = [_episode(e) for e in q.episodes(session=session, patient_id=patient_id)]
            rx = q.prescriptions(session=session, patient_id=patient_id)
            doses = tuple(_dose(p) for p in rx)
            # Addenda applied: trends and alerts use corrected values (SPEC §2).
            all_rows = review_queries.corrected(
                session=session, rows=q.reviews(session=session, patient_id=patient_id)
            )
            review_rows = [r for r in all_rows if r["status"] == "finalised"]
            health_rows = q.health(session=session, patient_id=patient_id)
            latest_test = next((r for r in reversed(review_rows) if r["drug_test_id"]), None)
            facts = _facts(
                patient,
                today=today,
                episodes=episodes,
                rx=rx,
                reviews=review_rows,
                test=latest_test,
                agreed=q.agreed_plan_exists(session=session, patient_id=patient_id),
                health=health_rows,
                threshold=threshold,
            )
            summary = d.PatientSummary(
                record=to_record(patient),
                keyworker=q.staff_name(session=session, staff_id=patient.keyworker_id),
                episode=next((e for e in episodes if e.end is None), None),
                past_episodes=tuple(e for e in episodes if e.end is not None),
                doses=doses,
                ost_since=continuous_start([(x.start, x.end) for x in doses], today),
                alerts=tuple(alerts(facts, today)),
                reviews=tuple(_point(r) for r in review_rows),
                links=tuple(_link(r) for r in q.linkage(session=session, patient_id=patient_id)),
                family=tuple(
                    _supporter(r) for r in q.family(session=session, patient_id=patient_id)
                ),
                health=tuple(_health(r) for r in health_rows),
                letters=tuple(
                    d.LetterSent(r["template_key"], r["produced_at"], r["printed_at"])
                    for r in q.letters(session=session, patient_id=patient_id)
                ),
                history=tuple(_point(r) for r in reversed(all_rows)),
                next_checkup_due=patient.next_checkup_due,
                checkups_done=_checkups_done(episodes, review_rows),
                # Rows from before the count was kept (and the demo) hold 0: the rule's 8.
                checkups_planned=patient.checkups_planned
                or (CHECKUPS if patient.status == "post_exit_checkups" else 0),
            )
            tx.audit("patient.open", entity="patient", entity_id=patient_id, patient_id=patient_id)
        return summary


def _facts(
    p: Patient,
    *,
    today: pendulum.Date,
    episodes: list[d.Episode],
    rx: Sequence[sa.RowMapping],
    reviews: Sequence[dict[str, Any]],
    test: dict[str, Any] | None,
    agreed: bool,
    health: Sequence[sa.RowMapping],
    threshold: int,
) -> AlertFacts:
    current = rx[-1] if rx and rx[-1]["end_date"] is None else None
    with_top = [
        r for r in reviews if r["opiates_days"] is not None or r["injected_days"] is not None
    ]
    top = with_top[-1] if with_top else None
    barcs = [r["barc10_total"] for r in reviews if r["barc10_total"] is not None]
    last_exit = next((e for e in reversed(episodes) if e.end is not None), None)
    unsuccessful = (
        last_exit.end
        if last_exit
        and not any(e.end is None for e in episodes)
        and EXIT_REASONS.get(last_exit.exit_reason, ("", ExitGroup.NEUTRAL))[1]
        is ExitGroup.UNSUCCESSFUL
        else None
    )
    hbv_status = next((h["result"] for h in health if h["kind"] == "hep_b_status"), "")
    caches = ListCaches(**{f: getattr(p, f) for f in ListCaches.__dataclass_fields__})
    return AlertFacts(
        status=p.status,
        next_review_due=p.next_review_due,
        last_strategic_review=p.last_strategic_review,
        has_open_episode=any(e.end is None for e in episodes),
        agreed_plan=agreed,
        # The latest finalised review with a test, its results corrected by addenda.
        drug_results={s: test[f"drug_{s}"] for s in DRUG_PANEL} if test else {},
        drug_test_date=test["review_date"] if test else None,
        medicine=current["medicine"] if current else "",
        dose_mg=current["dose_mg"] if current else None,
        interval=current["interval"] if current else "daily",
        sedatives=tuple(
            s.strip() for s in (current["sedatives"] if current else "").split(",") if s.strip()
        ),
        missed_doses_in_row=current["missed_doses_in_row"] if current else 0,
        ecg_date=current["ecg_date"] if current else None,
        last_naloxone=p.last_naloxone,
        latest_top_opiate_days=top["opiates_days"] if top else None,
        latest_top_injected_days=top["injected_days"] if top else None,
        latest_top_shared=bool(top and (top["shared_needle"] or top["shared_paraphernalia"])),
        injecting_status=p.injecting_status,
        last_hcv_test=p.last_hcv_test,
        hbv_course_completed=p.hbv_course_completed,
        hbv_not_needed=hbv_status in HBV_NOT_NEEDED,
        barc_latest=barcs[-1] if len(barcs) >= 2 else None,
        barc_previous=barcs[-2] if len(barcs) >= 2 else None,
        barc_threshold=threshold,
        children_under_16=p.children_under_16,
        safe_storage_discussed=p.safe_storage_discussed,
        next_linkage_followup=p.next_linkage_followup,
        next_checkup_due=p.next_checkup_due,
        unsuccessful_exit=unsuccessful,
        drift=tuple(drift_reasons(caches, today)),
    )


def _checkups_done(episodes: list[d.Episode], reviews: Sequence[dict[str, Any]]) -> int:
    """Finalised post-exit check-ups since the last exit ("check-up 3 of 8")."""
    last_exit = next((e.end for e in reversed(episodes) if e.end is not None), None)
    if last_exit is None:
        return 0
    return sum(
        1 for r in reviews if r["kind"] == "post_exit_checkup" and r["review_date"] >= last_exit
    )


def _episode(r: sa.RowMapping) -> d.Episode:
    return d.Episode(
        r["start_date"],
        r["end_date"],
        r["referral_source"],
        r["problem_substances"],
        r["exit_reason"],
    )


def _dose(r: sa.RowMapping) -> d.Dose:
    return d.Dose(
        r["medicine"],
        r["dose_mg"],
        r["interval"],
        r["dispensing"],
        r["pharmacy"],
        r["start_date"],
        r["end_date"],
    )


def _point(r: dict[str, Any]) -> d.ReviewPoint:
    return d.ReviewPoint(
        id=r["id"],
        kind=r["kind"],
        date=r["review_date"],
        held_by=r["held_by"] or "",
        ost_decision=r["ost_decision"],
        barc10_total=r["barc10_total"],
        opiates_days=r["opiates_days"],
        alcohol_days=r["alcohol_days"],
        psych_health=r["psych_health"],
        physical_health=r["physical_health"],
        quality_of_life=r["quality_of_life"],
        status=r["status"],
    )


def _link(r: sa.RowMapping) -> d.Link:
    return d.Link(
        r["resource_name"],
        r["resource_kind"],
        r["method"],
        r["linked_on"],
        r["follow_up_date"],
        r["outcome"],
        r["first_attended"],
    )


def _supporter(r: sa.RowMapping) -> d.Supporter:
    return d.Supporter(
        r["name"], r["relationship"], r["contact"], r["consent_involvement"], r["support_offered"]
    )


def _health(r: sa.RowMapping) -> d.HealthEvent:
    return d.HealthEvent(r["kind"], r["check_date"], r["result"], r["detail"])
