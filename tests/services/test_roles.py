"""The role table of SPEC §1: every role against every action that exists so far."""

from __future__ import annotations

import pytest

from console.rules.vocab import Role
from console.services import Services
from console.services.dto import PatientInput
from console.services.errors import Forbidden
from console.services.roles import PERMISSIONS, Action, allowed
from tests.conftest import StaffFactory

# SPEC §1, transcribed row by row: (action, clinician, recovery_worker, admin, reception).
SPEC_TABLE = [
    (Action.VIEW_LIST, 1, 1, 1, 1),
    (Action.VIEW_CLINICAL, 1, 1, 1, 0),
    (Action.REGISTER_PATIENT, 1, 1, 1, 1),
    (Action.SET_NEXT_REVIEW, 1, 1, 0, 1),
    (Action.EDIT_CARE, 1, 1, 0, 0),
    (Action.OST_DECISION, 1, 0, 0, 0),
    (Action.MANAGE_EPISODES, 1, 1, 0, 0),
    (Action.RECORD_DEATH, 1, 1, 0, 0),
    (Action.EDIT_HOUSEHOLD, 1, 1, 0, 0),
    (Action.EDIT_RESOURCES, 1, 1, 1, 0),
    (Action.EDIT_PHARMACIES, 1, 1, 1, 0),
    (Action.PRODUCE_LETTER, 1, 1, 1, 0),
    (Action.PHARMACY_LETTER, 1, 0, 0, 0),
    (Action.REPRINT_LETTER, 1, 1, 1, 1),
    (Action.VIEW_REPORTS, 1, 1, 1, 0),
    (Action.ADMINISTER, 0, 0, 1, 0),
    (Action.DATA_ADMIN, 0, 0, 1, 0),
    (Action.SUBJECT_ACCESS, 0, 0, 1, 0),
]
ROLES = [Role.CLINICIAN, Role.RECOVERY_WORKER, Role.ADMIN, Role.RECEPTION]


def test_table_covers_every_action() -> None:
    assert {row[0] for row in SPEC_TABLE} == set(Action) == set(PERMISSIONS)


@pytest.mark.parametrize(("action", "c", "w", "a", "r"), SPEC_TABLE)
def test_table_matches_spec(action: Action, c: int, w: int, a: int, r: int) -> None:
    for role, expected in zip(ROLES, (c, w, a, r), strict=True):
        assert allowed(frozenset({role}), action) is bool(expected), (action, role)


def test_several_roles_combine() -> None:
    gp_partner = frozenset({Role.CLINICIAN, Role.ADMIN})
    assert allowed(gp_partner, Action.OST_DECISION)
    assert allowed(gp_partner, Action.DATA_ADMIN)


SMITH = PatientInput("943 476 5919", "Smithson", "Leah", "12/03/1980", town="Wakefield")


def _calls(svc: Services, patient_id: int) -> dict[str, tuple[Action, object]]:
    """Every service call that exists so far, with the action it needs."""
    return {
        "search": (Action.VIEW_LIST, lambda: svc.patients.search("smi")),
        "open": (Action.VIEW_CLINICAL, lambda: svc.patients.open(patient_id)),
        "register": (
            Action.REGISTER_PATIENT,
            lambda: svc.patients.register(
                PatientInput("9990000018", "New", "Person", "01/01/1990")
            ),
        ),
        "staff list": (Action.ADMINISTER, lambda: svc.staff_admin.list()),
        "practice": (Action.ADMINISTER, lambda: svc.practice.update_name("Moorside")),
        "audit verify": (Action.DATA_ADMIN, lambda: svc.audit_log.verify()),
    }


@pytest.mark.parametrize("role", [r.value for r in ROLES])
def test_every_role_against_every_service_call(
    role: str, services: Services, as_staff: StaffFactory
) -> None:
    patient = services.patients.register(SMITH)
    member = as_staff(role)
    for name, (action, call) in _calls(member, patient.id).items():
        if allowed(frozenset({Role(role)}), action):
            call()  # type: ignore[operator]
            continue
        with pytest.raises(Forbidden) as refused:
            call()  # type: ignore[operator]
        message = str(refused.value)
        assert action.value in message, name
        # A refusal names the action and the roles needed, and carries no patient data.
        for detail in ("Smithson", "Leah", "9434765919", "943 476 5919", "Wakefield"):
            assert detail not in message
