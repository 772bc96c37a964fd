"""Each demo review's measures: TOP, BARC-10, drug test and corroboration. Values move the
way recovery usually does: illicit use falls and ratings rise for most, some relapse, some
stay where they are (a patient's `Profile` sets which)."""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from console.demo import data as data
from console.demo.records import TOP_ITEMS, TOTALS_AT, Records
from console.rules import top
from console.rules.vocab import InjectingStatus, ReviewKind

INF = float("inf")
INJECTING = tuple(s.value for s in InjectingStatus)  # never, previously, currently, declined
CURRENTLY = InjectingStatus.CURRENTLY.value
EVER_INJECTED = frozenset({InjectingStatus.PREVIOUSLY.value, CURRENTLY})
CHECKUP, STRATEGIC = ReviewKind.POST_EXIT_CHECKUP.value, ReviewKind.STRATEGIC.value
_AT = {name: i for i, name in enumerate(TOP_ITEMS)}


def _days_slots(key: str) -> tuple[int, int | None, tuple[int, ...]]:
    """Where an item's total, amount and four weeks sit among a TOP row's values."""
    amount = _AT.get(f"{key}_amount")
    weeks = tuple(_AT[f"{key}_w{w}"] for w in range(1, top.WEEKS + 1))
    return _AT[f"{key}_days"], amount, weeks


SLOT = {item.key: _days_slots(item.key) for item in top.ITEMS if item.kind is top.ItemKind.DAYS}
SHARED_NEEDLE, SHARED_KIT = _AT["shared_needle"], _AT["shared_paraphernalia"]
CRIMES = tuple(_AT[key] for key in ("vehicle_theft", "property_theft", "fraud", "assault"))
RATINGS = tuple(_AT[key] for key in ("psych_health", "physical_health", "quality_of_life"))
HOUSING, EVICTION = _AT["acute_housing"], _AT["eviction_risk"]
_totals = itemgetter(*TOTALS_AT)


@dataclass(slots=True)
class Profile:
    """How one patient uses, injects and recovers; drives every measure over time."""

    opiates: int  # baseline days of illicit opioid use in 28, at the start of treatment
    crack: int
    alcohol: int
    cannabis: int
    tobacco: int
    injecting: str  # InjectingStatus value, as last recorded
    shares: float
    shoplifting: int
    selling: int
    housing: float
    floor: float  # the use level a patient does not fall below (1.0: no improvement)
    relapse_at: float  # years into the episode (INF: none)
    rating: float
    rating_gain: float
    barc: float  # BARC-10 item mean at the start
    barc_gain: float
    work_from: float  # years into treatment when paid work starts (INF: never)


@dataclass(slots=True)
class Visit:
    """A review as planned (dates are day ordinals); becomes a review row and its measures."""

    kind: str
    date: int
    episode: int
    episode_start: int
    held_by: int
    next_date: int | None = None
    decision: str = ""
    rationale: str = ""
    decided_by: int | None = None
    decided_at: str = ""
    new_dose: float | None = None
    new_from: int | None = None
    id: int = 0


class Measures(Records):
    def profile(self, opioid: bool) -> Profile:
        """A new patient's pattern of use and recovery (`opioid`: ever on OST)."""
        r, ri = self.r, self.ri
        never, previously, currently, declined = INJECTING
        if opioid:
            injecting = self.choose(
                (0.35, never), (0.45, previously), (0.15, currently), (0, declined)
            )
        else:
            injecting = self.choose(
                (0.85, never), (0.1, previously), (0.03, currently), (0, declined)
            )
        crack = ri(4, 20) if r() < 0.45 else 0
        alcohol = ri(8, 28) if r() < (0.15 if opioid else 0.5) else 0
        if not opioid and not crack and not alcohol:
            alcohol = ri(10, 28)
        return Profile(
            opiates=ri(12, 28) if opioid else 0,
            crack=crack,
            alcohol=alcohol,
            cannabis=ri(6, 28) if r() < 0.3 else 0,
            tobacco=ri(25, 28) if r() < 0.85 else 0,
            injecting=injecting,
            shares=0.4 if r() < 0.3 else 0.0,
            shoplifting=ri(2, 12) if r() < 0.3 else 0,
            selling=ri(1, 8) if r() < 0.1 else 0,
            housing=0.25,
            floor=0.0 if r() < 0.7 else 0.5 + 0.3 * r(),
            relapse_at=0.5 + 4 * r() if r() < 0.12 else INF,
            rating=5 + 5 * r(),
            rating_gain=4 + 5 * r(),
            barc=2.3 + r(),
            barc_gain=1.0 + 1.5 * r(),
            work_from=1 + 3 * r() if r() < 0.3 else INF,
        )

    def use_level(self, p: Profile, years: float) -> float:
        """1.0 at the start of treatment, falling for most; a relapse puts it back up."""
        level = 1.0 / (1.0 + 2.0 * years)
        if level < p.floor:
            level = p.floor
        if p.relapse_at <= years < p.relapse_at + 0.5:
            level = 0.85
        return level

    def _weeks(self, vals: list[Any], slots: tuple[int, ...], total: int) -> None:
        base, extra = divmod(total, 4)
        weeks = [base] * 4
        first = int(self.r() * 4)
        for i in range(extra):
            weeks[(first + i) % 4] += 1
        a, b = int(self.r() * 4), int(self.r() * 4)
        if weeks[a] > 0 and weeks[b] < 7:
            weeks[a] -= 1
            weeks[b] += 1
        for slot, value in zip(slots, weeks, strict=True):
            vals[slot] = value

    def top(
        self, rid: int, p: Profile, level: float, years: float, *, weeks: bool, checkup: bool
    ) -> list[Any]:
        """Writes the review's TOP row; returns its values (in TOP_ITEMS order)."""
        vals = self._top_values(p, level, years, weeks=weeks, checkup=checkup)
        if weeks:
            self.out["top_score"].append((self.next_id("top_score"), rid, *vals))
        else:
            self.top_totals.append((self.next_id("top_score"), rid, *_totals(vals)))
        return vals

    def _top_values(
        self, p: Profile, level: float, years: float, *, weeks: bool, checkup: bool
    ) -> list[Any]:
        r = self.r
        vals: list[Any] = [None] * len(TOP_ITEMS)

        def days(key: str, base: float, amount: float | None = None) -> int:
            n = 0
            if base > 0:
                n = int(base * (0.6 + 0.8 * r()) + 0.5)
                n = 28 if n > 28 else n
            total, amount_slot, week_slots = SLOT[key]
            vals[total] = n
            if n and amount_slot is not None:
                vals[amount_slot] = amount
            if weeks:
                self._weeks(vals, week_slots, n)
            return n

        opiates = 0.0 if level < 0.35 and r() < 0.6 else p.opiates * level
        days("opiates", opiates, round(0.1 + 0.9 * r(), 1))
        days("crack", p.crack * level if r() > 0.3 * (1 - level) else 0, round(0.2 + r(), 1))
        days("cocaine", 0.0 if r() < 0.9 else 2.0, 0.5)
        days("amphetamines", 0.0 if r() < 0.97 else 3.0, 0.5)
        days("cannabis", p.cannabis, float(1 + int(r() * 5)))
        days("alcohol", p.alcohol * (0.5 + 0.5 * level), float(6 + int(r() * 20)))
        days("other_substance", 0.0)
        days("tobacco", p.tobacco)
        if checkup:  # a post-exit check-up asks the substance items only
            return vals
        injected = p.injecting == CURRENTLY or (p.injecting in EVER_INJECTED and level > 0.6)
        shared = days("injected", (14 * level if level > 0.07 else 1.0) if injected else 0.0) > 0
        vals[SHARED_NEEDLE] = shared and r() < p.shares * level
        vals[SHARED_KIT] = shared and r() < 1.5 * p.shares * level
        days("shoplifting", p.shoplifting * level)
        days("drug_selling", p.selling * level)
        crime = 0.08 * level
        for slot in CRIMES:
            vals[slot] = r() < crime
        gained = p.rating + p.rating_gain * (1 - level) - 2
        for slot in RATINGS:
            rating = int(gained + 4 * r())
            vals[slot] = 0 if rating < 0 else 20 if rating > 20 else rating
        days("paid_work", 16.0 if years >= p.work_from else 0.0)
        days("education", 0.0 if r() < 0.95 else 4.0)
        vals[HOUSING] = r() < p.housing * level
        vals[EVICTION] = r() < 0.3 * p.housing * level
        return vals

    def barc_row(self, rid: int, p: Profile, level: float) -> tuple[Any, ...]:
        r = self.r
        mean = p.barc + p.barc_gain * (1 - level) - 0.5
        answers = [int(mean + 2 * r()) for _ in range(10)]
        answers = [1 if a < 1 else 6 if a > 6 else a for a in answers]
        return (self.next_id("barc10"), rid, *answers, sum(answers))

    def drug_row(
        self, rid: int, when: int, medicine: str, top: list[Any], sedative: str
    ) -> tuple[Any, ...]:
        r = self.r
        urine = r() < 0.6

        def result(likely: bool, hit: float = 0.9, stray: float = 0.02) -> str:
            return "positive" if r() < (hit if likely else stray) else "negative"

        def used(key: str) -> bool:
            return bool(top[SLOT[key][0]])

        return (
            self.next_id("drug_test"),
            rid,
            "urine" if urine else "oral_fluid",
            self.day(when),
            result(used("opiates"), 0.8),
            result(medicine == "methadone_oral", 0.97),
            result(medicine.startswith("buprenorphine"), 0.97),
            result(used("opiates"), 0.05, 0.002) if urine else "not_tested",
            result(used("crack") or used("cocaine"), 0.85),
            result(used("amphetamines")),
            result("diazepam" in sedative, 0.95, 0.05),
            result(used("cannabis"), 0.9, 0.03),
        )

    def review_rows(
        self, pid: int, visits: list[Visit], prescribed: list[list[Any]], p: Profile, sedative: str
    ) -> int | None:
        """Reviews with their TOP, BARC-10, drug test and corroboration; returns the
        latest BARC-10 total. Weekly TOP detail only on the latest review (the rest keep
        totals, which the TOP allows)."""
        r, out, day = self.r, self.out, self.day_or_none
        last = len(visits) - 1
        total = None
        for i, v in enumerate(visits):
            v.id = rid = self.next_id("review")
            checkup = v.kind == CHECKUP
            answer = False if checkup else None
            out["review"].append((
                rid, pid, v.episode, v.kind, day(v.date), v.held_by, "finalised",
                self.stamp(v.date), v.decision, v.rationale, v.decided_by, v.decided_at,
                v.new_dose, day(v.new_from), day(v.next_date), answer, answer, answer,
            ))  # fmt: skip
            years = (v.date - v.episode_start) / 365.25
            level = self.use_level(p, years)
            top = self.top(rid, p, level, years, weeks=i == last, checkup=checkup)
            barc = self.barc_row(rid, p, level)
            out["barc10"].append(barc)
            total = barc[-1]
            if not checkup and r() < 0.5:
                medicine = _medicine_on(prescribed, v.date)
                with_sedative = sedative if medicine else ""  # co-prescribed with OST only
                out["drug_test"].append(self.drug_row(rid, v.date, medicine, top, with_sedative))
            if v.kind == STRATEGIC and r() < 0.1:
                source, said = self.pick(data.CORROBORATION)
                out["corroboration"].append((self.next_id("corroboration"), rid, source, said))
        self.reviews += len(visits)
        return total


def _medicine_on(prescribed: list[list[Any]], when: int) -> str:
    for medicine, _dose, _interval, _dispensing, start, end in prescribed:
        if start <= when and (end is None or when < end):
            return str(medicine)
    return ""
