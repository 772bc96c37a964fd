"""Letter templates in administration: saving and filling parse alike, each template's
own field list, history with who and when, comparison, the shipped wording restored,
preview of the text being edited; and the letterhead printed from the practice details."""

from __future__ import annotations

import pytest

from console.letters import fields
from console.services.dto import PracticeInput
from console.services.errors import Forbidden, Invalid, Refused
from tests.conftest import StaffFactory
from tests.letters.conftest import Caseload
from tests.letters.test_letters import text_of

INVITE = "review_invitation"


def test_spaces_inside_braces_are_saved_and_then_filled(caseload: Caseload) -> None:
    templates = caseload.services.templates
    body = "Dear { patient.given_name },\n\nPlease ring {  practice.phone} soon.\n"
    templates.save(INVITE, body)
    produced = caseload.services.letters.produce(caseload.siobhan, INVITE)
    text = text_of(produced.path)
    assert "Dear Siobhán," in text and "Please ring 01924 000111 soon." in text
    assert "{" not in text


def test_a_field_the_template_cannot_fill_is_refused_with_the_reason(caseload: Caseload) -> None:
    templates = caseload.services.templates
    with pytest.raises(Invalid, match="made in batches") as refused:
        templates.save(INVITE, "Dear {patient.given_name},\n\n{care_plan.goals_table}\n")
    assert "{care_plan.goals_table}" in refused.value.errors["body"]
    with pytest.raises(Invalid, match="made in batches"):
        templates.save(INVITE, "Your dose is {prescription.dose}.\n")
    names = {f.name for f in templates.fields(INVITE)}
    assert "patient.given_name" in names and "review.due_date" in names
    assert not any(n.startswith(("care_plan.", "prescription.", "resource.")) for n in names)
    # the care plan copy reads clinical data, so its list has the tables
    plan = {f.name: f.table for f in templates.fields("care_plan_copy")}
    assert plan["care_plan.goals_table"] is True and plan["patient.given_name"] is False
    # every field a template's list offers is one it can save
    for key in fields.shipped():
        for info in templates.fields(key):
            placed = f"{{{info.name}}}" if info.table else f"Hello {{{info.name}}}."
            assert templates.check(key, f"Dear you,\n\n{placed}\n") == [], (key, info.name)


def test_history_names_who_and_when_compares_and_restores_the_shipped_wording(
    caseload: Caseload,
) -> None:
    templates = caseload.services.templates
    shipped = fields.shipped()[INVITE].body
    first = shipped.replace("review", "check-in", 1)
    templates.save(INVITE, first)
    templates.save(INVITE, first + "\nWith best wishes.\n")
    history = templates.history(INVITE)
    assert [v.version for v in history] == [2, 1, 0]
    assert history[0].by == history[1].by and history[0].by  # the tester's name
    assert history[0].at.endswith("10:00") and history[-1].by == "as shipped"
    changes = templates.compare(INVITE, 1, 2)
    assert "+ With best wishes." in changes
    assert not any(line.startswith("- ") for line in changes)
    restored = templates.restore_shipped(INVITE)
    assert not restored.edited and caseload.services.letters.template(INVITE).body == shipped
    history = templates.history(INVITE)
    assert history[0].version == 3 and history[0].shipped
    assert templates.list()[0].version == 0  # the list shows it as shipped again
    with pytest.raises(Refused, match="already has the shipped wording"):
        templates.restore_shipped(INVITE)
    with pytest.raises(Invalid, match="no version 9"):
        templates.compare(INVITE, 9, 1)
    actions = [line.action for line in caseload.services.audit_view.page().lines[:3]]
    assert actions == [
        "letter_template.restore",
        "letter_template.save",
        "letter_template.save",
    ]


def test_preview_of_the_text_being_edited_for_a_chosen_patient(caseload: Caseload) -> None:
    templates = caseload.services.templates
    shown = templates.preview(INVITE, caseload.siobhan, "Dear { patient.given_name },\n")
    assert "Dear Siobhán," in shown.text and not shown.refusal
    refused = templates.preview(INVITE, caseload.siobhan, "Dear {patient.shoe_size},\n")
    assert refused.refusal.startswith("Not a letter yet: unknown field {patient.shoe_size}")
    assert caseload.services.letters.template(INVITE).body == fields.shipped()[INVITE].body
    event = caseload.services.audit_view.page().lines[0]
    assert event.action == "letter_template.preview" and event.patients == 1


def test_only_an_admin_changes_templates(caseload: Caseload, as_staff: StaffFactory) -> None:
    clinician = as_staff("clinician")
    with pytest.raises(Forbidden):
        clinician.templates.save(INVITE, "Dear {patient.given_name},\n")
    with pytest.raises(Forbidden):
        clinician.templates.restore_shipped(INVITE)
    assert len(clinician.templates.list()) == 7


def test_the_letterhead_prints_the_practice_details_set_through_the_service(
    caseload: Caseload,
) -> None:
    practice = caseload.services.practice
    now = practice.get()
    practice.update(
        PracticeInput(
            name="Moor Lane Surgery",
            address="4 Moor Lane\nHalifax\nHX1 2AB",
            phone="01422 555 0199",
            email="moorlane@example.nhs.uk",
            ods_code="b83019",
            signature="",
            accessibility="",
            barc10_fall_threshold="6",
            idle_minutes="10",
            timezone="Europe/London",
        ),
        now.version,
    )
    text = text_of(caseload.services.letters.produce(caseload.siobhan, INVITE).path)
    for shown in ("Moor Lane Surgery", "4 Moor Lane", "HX1 2AB", "01422 555 0199"):
        assert shown in text
    assert "moorlane@example.nhs.uk" in text and "B83019" in text


def test_a_wording_preview_shows_the_text_where_a_letter_could_not_be_posted(
    caseload: Caseload,
) -> None:
    """A practice manager previews the wording with any patient: what this patient lacks
    for posting is said above the text, and an unrecorded value is marked, not blank."""
    templates = caseload.services.templates
    shown = templates.preview(INVITE, caseload.no_consent)
    assert not shown.refusal and "Dear Leah," in shown.text
    assert shown.note.startswith("Preview only: the patient has not consented to letters")
    marked = templates.preview(INVITE, caseload.no_consent, "Due {checkup.due_date}.\n")
    assert "Due [next post-exit check-up due: not recorded]." in marked.text
    letters = caseload.services.letters  # the letter itself is still refused
    posted = letters.preview(letters.open(caseload.no_consent), INVITE)
    assert posted.refusal.startswith("No letter: the patient has not consented")
    assert not posted.text and not posted.note
