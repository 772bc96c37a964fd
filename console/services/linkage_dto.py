"""DTOs and display labels for the resources directory and patient linkage (SPEC §2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from console.rules.vocab import LinkageMethod, LinkageOutcome, ResourceKind

KIND_LABEL: dict[str, str] = {
    ResourceKind.SMART: "SMART Recovery",
    ResourceKind.NA: "Narcotics Anonymous",
    ResourceKind.CA: "Cocaine Anonymous",
    ResourceKind.AA: "Alcoholics Anonymous",
    ResourceKind.FAMILY_SUPPORT: "Family support",
    ResourceKind.RECOVERY_COMMUNITY: "Recovery community",
    ResourceKind.HOUSING: "Housing",
    ResourceKind.EMPLOYMENT: "Employment and training",
    ResourceKind.OTHER: "Other",
}
# Short forms for table columns at 80 columns.
KIND_SHORT: dict[str, str] = {
    ResourceKind.SMART: "SMART",
    ResourceKind.NA: "NA",
    ResourceKind.CA: "CA",
    ResourceKind.AA: "AA",
    ResourceKind.FAMILY_SUPPORT: "Family",
    ResourceKind.RECOVERY_COMMUNITY: "Community",
    ResourceKind.HOUSING: "Housing",
    ResourceKind.EMPLOYMENT: "Work",
    ResourceKind.OTHER: "Other",
}
METHOD_LABEL: dict[str, str] = {
    LinkageMethod.INFORMATION_GIVEN: "Information given",
    LinkageMethod.INTRODUCED_TO_PEER: "Introduced to a peer",
    LinkageMethod.ACCOMPANIED: "Accompanied",
    LinkageMethod.WARM_HANDOVER: "Warm hand-over",
}
OUTCOME_LABEL: dict[str, str] = {
    "": "awaiting follow-up",
    LinkageOutcome.ATTENDED: "attended",
    LinkageOutcome.NOT_YET: "not yet",
    LinkageOutcome.DECLINED: "declined",
    LinkageOutcome.STOPPED: "stopped",
}
OPEN_OUTCOMES = frozenset({"", LinkageOutcome.NOT_YET.value})


@dataclass(frozen=True)
class ResourceInput:
    kind: str
    name: str
    where: str = ""
    when: str = ""
    contact: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ResourceRow:
    id: int
    kind: str
    name: str
    where: str
    when: str
    contact: str
    notes: str
    active: bool
    version: int

    @property
    def kind_label(self) -> str:
        return KIND_LABEL.get(self.kind, self.kind)

    def to_input(self) -> ResourceInput:
        return ResourceInput(self.kind, self.name, self.where, self.when, self.contact, self.notes)


@dataclass(frozen=True)
class LinkRow:
    id: int
    patient_id: int
    resource_id: int
    resource_name: str
    resource_kind: str
    method: str
    linked_on: dt.date
    follow_up_date: dt.date | None
    outcome: str
    first_attended: dt.date | None
    version: int

    @property
    def is_open(self) -> bool:
        """Still being followed up: no outcome yet, or 'not yet'."""
        return self.outcome in OPEN_OUTCOMES

    def due(self, today: dt.date) -> bool:
        return self.is_open and self.follow_up_date is not None and self.follow_up_date <= today
