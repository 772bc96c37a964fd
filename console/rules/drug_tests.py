"""Expected and unexpected drug-test results (SPEC §2): a prescribed medicine that is
negative, or a substance not prescribed that is positive, is unexpected."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from console.rules.vocab import DRUG_PANEL, Medicine

# Which panel substance shows each prescribed medicine.
MEDICINE_SHOWS = {
    Medicine.METHADONE.value: "methadone",
    Medicine.BUPRENORPHINE.value: "buprenorphine",
    Medicine.BUPRENORPHINE_PR.value: "buprenorphine",
}
BENZODIAZEPINES = (
    "diazepam",
    "chlordiazepoxide",
    "lorazepam",
    "temazepam",
    "nitrazepam",
    "clonazepam",
)


def expected_positive(
    medicine: str | Iterable[str], sedatives: Iterable[str] = ()
) -> frozenset[str]:
    """The panel substances the prescription(s) in force should make positive."""
    medicines = (medicine,) if isinstance(medicine, str) else tuple(medicine)
    expected = {MEDICINE_SHOWS[m] for m in medicines if m in MEDICINE_SHOWS}
    if any(s.strip().lower() in BENZODIAZEPINES for s in sedatives):
        expected.add("benzodiazepines")
    return frozenset(expected)


def unexpected(
    results: Mapping[str, str], medicine: str | Iterable[str], sedatives: Iterable[str] = ()
) -> list[str]:
    """Plain sentences, one per unexpected result, in panel order, judged against the
    prescription(s) in force on the test's date."""
    expected = expected_positive(medicine, tuple(sedatives))
    found = []
    for substance in DRUG_PANEL:
        result = results.get(substance, "not_tested")
        if substance in expected and result == "negative":
            found.append(f"{substance} negative while prescribed")
        elif substance not in expected and result == "positive":
            found.append(f"{substance} positive, not prescribed")
    return found
