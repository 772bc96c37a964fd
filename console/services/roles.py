"""The role table of SPEC §1, kept as data. Every service call checks it."""

from __future__ import annotations

from enum import StrEnum

from console.rules.vocab import Role


class Action(StrEnum):
    VIEW_LIST = "view the patient list"
    VIEW_CLINICAL = "view clinical detail"
    REGISTER_PATIENT = "register a patient or edit demographics and consent"
    SET_NEXT_REVIEW = "set the next review date"
    EDIT_CARE = "edit care plans, reviews, health checks, linkage and family"
    OST_DECISION = "record an OST decision or prescription change"
    MANAGE_EPISODES = "start and end episodes"
    RECORD_DEATH = "record a death or correct one recorded in error"
    EDIT_HOUSEHOLD = "record children in the household and the safe-storage discussion"
    EDIT_RESOURCES = "edit the resources directory"
    EDIT_PHARMACIES = "edit the pharmacy directory"
    PRODUCE_LETTER = "produce a letter for a patient"
    PHARMACY_LETTER = "produce the letter to the pharmacy (a controlled-drug document)"
    REPRINT_LETTER = "reprint letters and run batch recalls"
    VIEW_REPORTS = "view reports and practice indicators"
    ADMINISTER = "manage staff, letter templates and practice settings"
    DATA_ADMIN = "import, export, back up, restore, verify the audit log or migrate"
    SUBJECT_ACCESS = "export a patient's whole record for a subject access request"


C, W, A, R = Role.CLINICIAN, Role.RECOVERY_WORKER, Role.ADMIN, Role.RECEPTION

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_LIST: frozenset({C, W, A, R}),
    Action.VIEW_CLINICAL: frozenset({C, W, A}),  # admin: read only (no write action grants it)
    Action.REGISTER_PATIENT: frozenset({C, W, A, R}),
    Action.SET_NEXT_REVIEW: frozenset({C, W, R}),
    Action.EDIT_CARE: frozenset({C, W}),
    Action.OST_DECISION: frozenset({C}),
    Action.MANAGE_EPISODES: frozenset({C, W}),
    Action.RECORD_DEATH: frozenset({C, W}),
    Action.EDIT_HOUSEHOLD: frozenset({C, W}),
    Action.EDIT_RESOURCES: frozenset({C, W, A}),
    Action.EDIT_PHARMACIES: frozenset({C, W, A}),
    Action.PRODUCE_LETTER: frozenset({C, W, A}),
    Action.PHARMACY_LETTER: frozenset({C}),
    Action.REPRINT_LETTER: frozenset({C, W, A, R}),
    Action.VIEW_REPORTS: frozenset({C, W, A}),
    Action.ADMINISTER: frozenset({A}),
    Action.DATA_ADMIN: frozenset({A}),
    Action.SUBJECT_ACCESS: frozenset({A}),
}


def allowed(roles: frozenset[Role], action: Action) -> bool:
    return bool(roles & PERMISSIONS[action])


def needed(action: Action) -> str:
    names = sorted(role.value for role in PERMISSIONS[action])
    return " or ".join(names)
