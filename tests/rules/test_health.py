"""Health-check rules: allowed results, checks on a new event, caches and due wording."""

from __future__ import annotations

import datetime as dt

from console.rules import health as h
from console.rules.vocab import HealthCheckKind

D = dt.date
TODAY = D(2026, 11, 23)
E = h.Event


def test_every_kind_has_results_and_a_label() -> None:
    for kind in HealthCheckKind:
        assert h.RESULTS[kind] and h.KIND_LABEL[kind]
    assert [v for v, _ in h.RESULTS["hep_b_dose"]] == ["1", "2", "3", "completed"]
    assert {v for v, _ in h.RESULTS["hep_b_status"]} == {
        "accepted", "refused", "already_immunised", "not_offered", "acquired_immunity"
    }  # fmt: skip
    assert h.result_label("hcv_rna", "not_detected") == "not detected"
    assert h.result_label("hiv_test", "odd_value") == "odd value"


def test_check_health_accepts_a_good_event() -> None:
    assert h.check_health("naloxone", D(2026, 11, 1), "nasal (Nyxoid)", "", TODAY) == {}
    assert h.check_health("hep_b_dose", TODAY, "3", "Engerix B", TODAY) == {}


def test_check_health_date() -> None:
    assert (
        "future" in h.check_health("hiv_test", D(2026, 11, 24), "negative", "", TODAY)["check_date"]
    )
    assert "required" in h.check_health("hiv_test", None, "negative", "", TODAY)["check_date"]
    assert "1900" in h.check_health("hiv_test", D(1899, 1, 1), "negative", "", TODAY)["check_date"]


def test_check_health_result_must_suit_the_kind() -> None:
    errors = h.check_health("hcv_antibody", TODAY, "detected", "", TODAY)
    assert set(errors) == {"result"} and "negative" in errors["result"]
    assert set(h.check_health("scan", TODAY, "", "", TODAY)) == {"kind"}


def test_check_health_detail() -> None:
    assert h.check_health("site_check", TODAY, "no concerns", "x" * 201, TODAY) == {
        "detail": "at most 200 characters"
    }
    assert set(h.check_health("site_check", TODAY, "other", " ", TODAY)) == {"detail"}
    assert h.check_health("site_check", TODAY, "other", "bruising", TODAY) == {}


def test_naloxone_training_in_detail() -> None:
    assert h.naloxone_detail("", True) == "family or friends trained"
    assert h.naloxone_detail(" kit  2 ", True) == "family or friends trained; kit 2"
    assert h.naloxone_detail("kit", False) == "kit"
    assert h.family_trained("partner trained") and not h.family_trained("kit given")


def test_hbv_completed_third_dose_or_course_completed() -> None:
    doses = [E("hep_b_dose", D(2026, 1, 1), "1"), E("hep_b_dose", D(2026, 1, 8), "2")]
    assert h.hbv_completed(doses) is None and h.hbv_doses(doses) == 2
    third = [*doses, E("hep_b_dose", D(2026, 1, 29), "3")]
    assert h.hbv_completed(third) == D(2026, 1, 29) and h.hbv_doses(third) == 3
    stated = [E("hep_b_dose", D(2020, 5, 1), "completed")]
    assert h.hbv_completed(stated) == D(2020, 5, 1) and h.hbv_doses(stated) == 3
    # A later repeat course keeps the first completion date.
    assert h.hbv_completed([*third, E("hep_b_dose", D(2026, 9, 1), "3")]) == D(2026, 1, 29)
    assert h.hbv_completed([E("hep_b_status", D(2026, 1, 1), "already_immunised")]) is None


def test_last_naloxone_and_hcv_test() -> None:
    events = [
        E("naloxone", D(2025, 3, 3), "nasal (Nyxoid)"),
        E("naloxone", D(2024, 1, 1), "nasal (Nyxoid)"),
        E("hcv_antibody", D(2025, 1, 1), "positive"),
        E("hcv_rna", D(2025, 2, 1), "awaiting"),
        E("hcv_rna", D(2026, 1, 1), "refused"),
        E("hcv_treatment", D(2026, 2, 1), "completed"),
    ]
    assert h.last_naloxone(events) == D(2025, 3, 3)
    assert h.last_hcv_test(events) == D(2025, 2, 1)
    assert h.last_naloxone([]) is None and h.last_hcv_test([]) is None


def test_injecting_from_latest_record() -> None:
    assert h.injecting([]) == ("", None)
    events = [
        E("injecting_status", D(2025, 1, 1), "previously"),
        E("injecting_status", D(2026, 6, 1), "currently"),
    ]
    assert h.injecting(events) == ("currently", D(2026, 6, 1))
    events.append(E("injecting_status", D(2026, 9, 1), "never"))
    assert h.injecting(events) == ("never", None)


def test_due_wording() -> None:
    assert h.naloxone_text(D(2025, 3, 3), TODAY) == (
        "Naloxone: last supplied 3 Mar 2025 — over 12 months: offer a new kit"
    )
    assert "within 12 months" in h.naloxone_text(D(2026, 3, 3), TODAY)
    assert "never supplied" in h.naloxone_text(None, TODAY)
    assert h.hcv_text(D(2026, 3, 1), "currently", TODAY) == (
        "Hepatitis C: last tested 1 Mar 2026 — retest by 1 Mar 2027 (injecting)"
    )
    assert "due now" in h.hcv_text(D(2025, 3, 1), "currently", TODAY)
    assert h.hcv_text(D(2025, 3, 1), "previously", TODAY) == "Hepatitis C: last tested 1 Mar 2025"
    assert h.hcv_text(None, "currently", TODAY).endswith("due now (injecting)")
    assert h.hbv_text(None, 2, "") == "Hepatitis B: 2 of 3 doses — dose 3 due"
    assert h.hbv_text(D(2026, 1, 29), 3, "") == "Hepatitis B: course completed 29 Jan 2026"
    assert "no course needed" in h.hbv_text(None, 0, "already_immunised")
    assert h.hbv_text(None, 0, "accepted") == "Hepatitis B: vaccination accepted — dose 1 due"
    assert h.hbv_text(None, 0, "") == "Hepatitis B: no doses recorded — offer vaccination"
    assert h.injecting_text("currently", D(2026, 6, 1)) == (
        "Injecting: currently injecting (recorded 1 Jun 2026)"
    )
    assert h.injecting_text("", None) == "Injecting: not recorded — ask"


def test_hcv_pathway_says_the_next_step_not_a_retest_date() -> None:
    ab_pos = E("hcv_antibody", D(2026, 11, 2), "positive")
    assert (
        h.hcv_next_step([ab_pos])
        == "Hepatitis C: antibody positive 2 Nov 2026 — RNA (PCR) test due"
    )
    rna_pos = E("hcv_rna", D(2026, 11, 2), "detected")  # same day: RNA follows antibody
    assert h.hcv_next_step([rna_pos, ab_pos]) == (
        "Hepatitis C: RNA detected 2 Nov 2026 — refer for treatment"
    )
    referred = E("hcv_treatment", D(2026, 11, 9), "referred")
    assert h.hcv_next_step([ab_pos, rna_pos, referred]) == (
        "Hepatitis C: referred for treatment 9 Nov 2026"
    )
    declined = E("hcv_treatment", D(2026, 11, 9), "declined")
    assert h.hcv_next_step([rna_pos, declined]).endswith("offer treatment again")  # type: ignore[union-attr]
    cleared = E("hcv_rna", D(2026, 11, 20), "not_detected")
    assert h.hcv_next_step([ab_pos, cleared]) is None  # routine retesting applies
    awaiting = E("hcv_rna", D(2026, 11, 20), "awaiting")
    assert h.hcv_next_step([ab_pos, awaiting]) == (
        "Hepatitis C: RNA (PCR) test taken 20 Nov 2026, result awaited"
    )
    refused = E("hcv_rna", D(2026, 11, 20), "refused")
    assert h.hcv_next_step([ab_pos, refused]).endswith("RNA (PCR) test due")  # type: ignore[union-attr]
    assert h.hcv_next_step([E("hcv_antibody", D(2026, 1, 1), "negative")]) is None
