"""What a prescription dispenses: the product's form and strength, and its instalments.

The pharmacy letter is a controlled-drug document: it names the product ("Methadone oral
solution 1 mg/ml", not "Methadone"), the days the patient collects (the instalment days)
and which of them are supervised. Pure: no database, no ReportLab.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from console.rules.vocab import DoseInterval, Medicine


@dataclass(frozen=True)
class Product:
    key: str
    label: str  # as printed: "Methadone oral solution 1 mg/ml"
    interval: str | None = None  # the only interval it is given at, if it has one
    mg_per_ml: float | None = None  # an oral solution: the dose is also said in ml


# SPEC §2's medicines, each with its forms and strengths; "other" is typed as text.
PRODUCTS: dict[str, tuple[Product, ...]] = {
    Medicine.METHADONE: (
        Product("methadone_1mg_ml", "Methadone oral solution 1 mg/ml", mg_per_ml=1.0),
    ),
    Medicine.BUPRENORPHINE: (
        Product("buprenorphine_sl_2mg_8mg", "Buprenorphine 2 mg and 8 mg sublingual tablets"),
        Product("buprenorphine_sl_8mg", "Buprenorphine 8 mg sublingual tablets"),
        Product("buprenorphine_sl_2mg", "Buprenorphine 2 mg sublingual tablets"),
        Product("buprenorphine_sl_400mcg", "Buprenorphine 400 microgram sublingual tablets"),
    ),
    Medicine.BUPRENORPHINE_PR: (
        Product(
            "buprenorphine_pr_weekly",
            "Buprenorphine prolonged-release injection (weekly)",
            interval=DoseInterval.WEEKLY,
        ),
        Product(
            "buprenorphine_pr_monthly",
            "Buprenorphine prolonged-release injection (monthly)",
            interval=DoseInterval.MONTHLY,
        ),
    ),
    Medicine.OTHER: (),
}
BY_KEY = {p.key: p for products in PRODUCTS.values() for p in products}
INJECTION = frozenset({Medicine.BUPRENORPHINE_PR})

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_NAME = dict(zip(DAYS, _NAMES, strict=True))
DAY_SHORT = {d: DAY_NAME[d][:3] for d in DAYS}


def default_product(medicine: str, interval: str) -> str:
    """The product a medicine has when there is only one choice for it (else "")."""
    choices = [p for p in PRODUCTS.get(medicine, ()) if p.interval in (None, interval)]
    return choices[0].key if len(choices) == 1 else ""


def product_label(medicine: str, product: str, text: str) -> str:
    """The form and strength as printed, or "" when it is not recorded."""
    if medicine == Medicine.OTHER:
        return " ".join(text.split())
    found = BY_KEY.get(product)
    return found.label if found is not None else ""


def parse_days(value: str | Iterable[str]) -> tuple[str, ...]:
    """Day codes in week order, each once; raises ValueError naming a day not known."""
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    found: set[str] = set()
    for item in items:
        code = item.strip().lower()[:3]
        if code not in DAY_NAME:
            raise ValueError(f"{item.strip()!r} is not a day of the week")
        found.add(code)
    return tuple(d for d in DAYS if d in found)


def days_text(days: Sequence[str]) -> str:
    """ "Monday, Wednesday and Friday"; "every day" for all seven."""
    if len(days) == 7:
        return "every day"
    names = [DAY_NAME[d] for d in days]
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class Instalment:
    day: str  # the day it is collected
    days: int  # how many days' doses it holds (up to the next collection)
    supervised: bool  # that day's dose is taken at the pharmacy, under supervision


def instalments(pickup: Sequence[str], supervised: Sequence[str]) -> list[Instalment]:
    """Each collection in the week and how many days it covers (to the next one)."""
    order = [DAYS.index(d) for d in pickup]
    out = []
    for n, at in enumerate(order):
        following = order[(n + 1) % len(order)]
        gap = (following - at) % 7 or 7
        out.append(Instalment(DAYS[at], gap, DAYS[at] in supervised))
    return out


def instalment_lines(
    pickup: Sequence[str], supervised: Sequence[str], dose_mg: float, mg_per_ml: float | None
) -> list[str]:
    """The pharmacy letter's instalment lines: "Monday: 3 days, 180 mg (180 ml);
    Monday's dose supervised, the rest taken home"."""
    lines = []
    for item in instalments(pickup, supervised):
        total = dose_mg * item.days
        amount = f"{total:g} mg" + (f" ({total / mg_per_ml:g} ml)" if mg_per_ml else "")
        span = "1 day" if item.days == 1 else f"{item.days} days"
        name = DAY_NAME[item.day]
        if item.supervised and item.days == 1:
            how = "supervised"
        elif item.supervised:
            how = f"{name}'s dose supervised, the rest taken home"
        else:
            how = "taken home"
        lines.append(f"{name}: {span}, {amount}; {how}")
    return lines
