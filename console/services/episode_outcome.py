"""What ending an episode does to an open prescription (hazards H28, H40, H43): one rule
for the exit itself and for the end screen, which says it before it asks."""

from __future__ import annotations

import datetime as dt

from console import format as fmt
from console.rules.vocab import DEATH_EXIT_CODE, EXIT_REASONS, MEDICINE_LABEL, ExitGroup, Medicine
from console.services.dto import PrescriptionOutcome


def prescription_outcome(
    exit_reason: str, has_open: bool, may_prescribe: bool
) -> PrescriptionOutcome:
    """What an exit does to an open prescription (hazards H28, H40).

    Death stops it whoever records the death: the patient can no longer take it, so this
    is not a prescribing decision. A completed treatment stops it, and only a prescriber
    may record that; other exits (unsuccessful, transfers) leave it to the prescriber.
    """
    if not has_open:
        return PrescriptionOutcome.NONE
    if exit_reason == DEATH_EXIT_CODE:
        return PrescriptionOutcome.STOPS
    if EXIT_REASONS[exit_reason][1] is ExitGroup.SUCCESSFUL:
        return PrescriptionOutcome.STOPS if may_prescribe else PrescriptionOutcome.REFUSED
    return PrescriptionOutcome.LEAVES


def outcome_words(outcome: PrescriptionOutcome, dose: str, on: dt.date) -> str:
    """The end screen's sentence for an outcome (the dose as `dose_words` names it)."""
    if outcome is PrescriptionOutcome.STOPS:
        return f"Ending the episode stops {dose} on {fmt.date_text(on)}."
    if outcome is PrescriptionOutcome.LEAVES:
        return f"Ending the episode leaves {dose} open: a clinician must stop or transfer it."
    if outcome is PrescriptionOutcome.REFUSED:
        return f"A completed treatment stops {dose}: a clinician must record this exit."
    return "No prescription is open: ending the episode stops nothing."


def dose_words(medicine: str, dose_mg: float, interval: str) -> str:
    """ "Methadone 75 mg daily", as the end screen names the prescription."""
    try:
        label = MEDICINE_LABEL[Medicine(medicine)]
    except ValueError:
        label = medicine.replace("_", " ").capitalize()
    return f"{label} {dose_mg:g} mg {interval}".strip()
