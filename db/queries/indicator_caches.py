"""The practice indicator row caches (migration 0016) for every patient at once, in SQL:
the exact twin of what `console.rules.caches.derive` gives `barc10_on`, `mutual_aid_on`,
`family_considered` and `hbv_immune` (a test compares the two on the demo caseload).

Used by the migration that adds them. A BARC-10 addendum never moves `barc10_on`: an
addendum answers one item 1–6, so a total of all ten stays a total and a declined
BARC-10 (no items) stays without one; the stored total's presence is the corrected one's.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from console.rules.caches import FAMILY_CONSIDERED, HBV_IMMUNE
from console.rules.vocab import MUTUAL_AID_KINDS

COLUMNS = ("barc10_on", "mutual_aid_on", "family_considered", "hbv_immune")


def _tables() -> dict[str, sa.Table]:
    # Plain table shapes (not the models): the migration runs this at its own revision.
    m = sa.MetaData()
    cols: dict[str, tuple[str, ...]] = {
        "patient": ("id", "family_involvement", *COLUMNS),
        "review": ("id", "patient_id", "status", "review_date"),
        "barc10": ("review_id", "total"),
        "review_addendum": ("id", "review_id", "field", "new_value"),
        "linkage": ("patient_id", "resource_id", "outcome", "first_attended", "linked_on"),
        "resource": ("id", "kind"),
        "family_member": ("patient_id",),
        "health_check": ("id", "patient_id", "kind", "check_date", "result"),
    }
    return {
        name: sa.Table(name, m, *(sa.Column(c, _type(c)) for c in names))
        for name, names in cols.items()
    }


def _type(column: str) -> Any:
    if column in ("id", "patient_id", "review_id", "resource_id", "total"):
        return sa.Integer
    if column == "family_considered":
        return sa.Boolean
    dated = column.endswith(("_date", "_on", "_attended")) or column == "hbv_immune"
    return sa.Date if dated else sa.String


def fill(conn: sa.Connection) -> None:
    """Set the four caches of every patient from the source rows."""
    t = _tables()
    p, r, b = t["patient"], t["review"], t["barc10"]
    link, res, fam, h = t["linkage"], t["resource"], t["family_member"], t["health_check"]
    barc10_on = (
        sa.select(sa.func.max(r.c.review_date))
        .join(b, b.c.review_id == r.c.id)
        .where(r.c.patient_id == p.c.id, r.c.status == "finalised", b.c.total.is_not(None))
        .scalar_subquery()
    )
    mutual = (
        sa.select(sa.func.min(sa.func.coalesce(link.c.first_attended, link.c.linked_on)))
        .join(res, res.c.id == link.c.resource_id)
        .where(
            link.c.patient_id == p.c.id,
            link.c.outcome == "attended",
            res.c.kind.in_(sorted(MUTUAL_AID_KINDS)),
        )
        .scalar_subquery()
    )
    family = sa.or_(
        p.c.family_involvement.in_(sorted(FAMILY_CONSIDERED)),
        sa.exists().where(fam.c.patient_id == p.c.id),
    )

    def latest_hbv(col: sa.Column[Any]) -> sa.ScalarSelect[Any]:
        # the later of two same-day records wins, as `console.rules.health.latest` has it
        return (
            sa.select(col)
            .where(h.c.patient_id == p.c.id, h.c.kind == "hep_b_status")
            .order_by(h.c.check_date.desc(), h.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    immune = sa.case(
        (latest_hbv(h.c.result).in_(sorted(HBV_IMMUNE)), latest_hbv(h.c.check_date)),
        else_=sa.null(),
    )
    conn.execute(
        p.update().values(
            barc10_on=barc10_on,
            mutual_aid_on=mutual,
            family_considered=sa.case((family, sa.true()), else_=sa.false()),
            hbv_immune=immune,
        )
    )
