"""The patient summary: one audited read that gathers every section and its alerts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from console.rules import caches as cache_rules
from console.rules.alerts import alerts
from console.rules.alerts import facts as alert_facts
from console.rules.ost import continuous_start
from console.rules.schedule import CHECKUPS
from console.services import summary_dto as d
from console.services.errors import NotFound
from console.services.opening import opens
from console.services.patients import to_record
from console.services.roles import Action
from console.services.validated import validated
from db.models import Patient, PracticeSettings
from db.queries import caches as cache_queries
from db.queries import reviews as review_queries
from db.queries import summary as q

if TYPE_CHECKING:
    from console.services import Services


@validated
class SummaryService:
    def __init__(self, services: Services) -> None:
        self._s = services

    @opens("patient")
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
            # Every alert from the caches derived from the source rows now, by the same
            # functions the list's flags and `recovery-console check` use.
            sources = cache_queries.sources(session=session, patient=patient)
            test = cache_rules.latest_test(sources.reviews)
            problems = cache_rules.test_problems(test, sources.prescriptions) if test else []
            facts = alert_facts(
                cache_rules.derive(sources, today),
                today,
                threshold=threshold,
                drug_problems=tuple(problems),
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
        product=r["product"],
        product_text=r["product_text"],
        pickup_days=tuple(d for d in r["pickup_days"].split(",") if d),
        supervised_days=tuple(d for d in r["supervised_days"].split(",") if d),
        pharmacy_id=r["pharmacy_id"],
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
