"""Red flags from official guidance, as rules: each with its id, source documents, the
declaration fields it needs, a weight and a plain explanation.

The rules come from the candidates in the project's red-flag catalogue (its R-numbers are
kept in ``catalogue``); the weights are roundabout's defaults, none is prescribed by the
sources. A rule whose fields are empty on a declaration is *not checked* there (and said so, in the
declaration's ``redflags_not_checked``);
a rule that fires adds a reason ``{"code": "redflag:<id>", "weight", "detail", "source"}`` to
the declaration, and the risk combines it with the others as every reason:
``risk = 1 - prod(1 - weight)`` (:mod:`roundabout.screening.shipments`).

Declaration fields read here (besides the required ones): ``date``, ``value``, ``quantity``,
``<role>_address``, ``<role>_registered`` (a date), ``<role>_phone``, ``<role>_email`` for
``consignee`` and ``notify_party``, ``payer`` and ``payer_country``.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from roundabout.lists.common import iso_prefix
from roundabout.lists.countries import to_iso2
from roundabout.screening.address_match import AddressIndex

#: The day of the full-scale invasion: the guidance's "after February 24, 2022".
INVASION: Final = "2022-02-24"


@dataclass(frozen=True, slots=True)
class Source:
    code: str
    title: str
    issuer: str
    date: str
    url: str

    def cite(self) -> str:
        where = f", {self.url}" if self.url else ""
        return f"{self.issuer}, {self.title} ({self.date}){where}"


SOURCES: Final = {
    s.code: s
    for s in (
        Source(
            "F22",
            "FIN-2022-Alert003: potential Russian export control evasion attempts",
            "FinCEN and BIS",
            "2022-06-28",
            "https://www.fincen.gov/system/files/2022-06/FinCEN%20and%20Bis%20Joint%20Alert%20FINAL.pdf",
        ),
        Source(
            "F23",
            "Supplemental alert: evasion of Russian export controls (nine HS codes)",
            "FinCEN and BIS",
            "2023-05-19",
            "https://www.fincen.gov/system/files/shared/FinCEN%20and%20BIS%20Joint%20Alert%20_FINAL_508C.pdf",
        ),
        Source(
            "NTC2",
            "FIN-2023-NTC2: joint notice on export control evasion red flags",
            "FinCEN and BIS",
            "2023-11-06",
            "https://www.fincen.gov/system/files/shared/FinCEN_Joint_Notice_US_Export_Controls_FINAL508.pdf",
        ),
        Source(
            "BISFI",
            "Guidance to financial institutions on export control evasion",
            "BIS",
            "2024-10-09",
            "",  # no address in the catalogue: read in a secondary summary
        ),
        Source(
            "KYC",
            "Know Your Customer guidance and red flags, Supplement 3 to 15 CFR Part 732",
            "BIS",
            "undated",
            "https://www.bis.gov/articles/red-flag-indicators",
        ),
        Source(
            "EU-CHPL",
            "Common High Priority List and guidance on enhanced due diligence",
            "European Commission",
            "2023-09-07",
            "https://finance.ec.europa.eu/news/sanctions-commission-publishes-guidance-help-"
            "european-operators-assess-sanctions-circumvention-risks-2023-09-07_en",
        ),
        Source(
            "OTSI",
            "Countering Russian sanctions evasion: guidance for exporters",
            "UK OTSI",
            "2025-01-07",
            "https://www.cmtradelaw.com/2025/01/uks-otsi-publishes-new-russia-evasion-and-"
            "diversion-guidance/ (summary)",
        ),
    )
}

#: Diversion destinations named by UK OTSI (2025) for Russia-bound goods.
HUBS: Final = frozenset(
    ["am", "cn", "hk", "mo", "in", "il", "kz", "kg", "my", "mn", "rs", "th", "tr", "ae", "uz", "vn"]
)
#: Words of a consignee's name that say it forwards rather than uses (BIS KYC, FinCEN alerts).
INTERMEDIARY: Final = (
    "logist",
    "cargo",
    "kargo",
    "express",
    "forward",
    "shipping",
    "freight",
    "trading",
    "trade",
    "treyd",
    "transit",
    "логист",
    "карго",
    "экспресс",
    "трейд",
    "экспедир",
    "транзит",
)
#: Price this many times the route median fires ``price_above_route``.
PRICE_FACTOR: Final = 3.0
#: Declarations a route needs for its median.
ROUTE_MIN: Final = 5
#: International calling codes -> country (longest prefix first when looking up).
# fmt: off
CALLING: Final = {
    "374": "am", "995": "ge", "996": "kg", "998": "uz", "992": "tj", "993": "tm", "994": "az",
    "976": "mn", "381": "rs", "375": "by", "971": "ae", "972": "il", "852": "hk", "853": "mo",
    "90": "tr", "86": "cn", "91": "in", "60": "my", "66": "th", "84": "vn", "49": "de",
    "44": "gb", "33": "fr", "39": "it", "48": "pl", "31": "nl", "32": "be", "34": "es",
    "41": "ch", "43": "at", "46": "se", "358": "fi", "370": "lt", "371": "lv", "372": "ee",
    "380": "ua", "81": "jp", "82": "kr", "65": "sg", "1": "us",
}
# fmt: on


@dataclass(frozen=True, slots=True)
class FileContext:
    """What the rules need from the whole file and the lists: listed addresses, route price
    medians, each consignee's CHPL history, the first date of the file."""

    addresses: AddressIndex
    medians: dict[tuple[str, str], float]
    first_chpl: dict[str, str]  # consignee key -> first date of a CHPL declaration
    earliest: str | None  # first date in the file
    chpl: dict[str, str]  # hs6 -> tier


Row = dict[str, str]
Check = Callable[[FileContext, Row], str | None]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    catalogue: str  # R-number in the red-flag catalogue
    weight: float
    needs: tuple[tuple[str, ...], ...]  # each group: at least one of these fields non-empty
    sources: tuple[str, ...]  # SOURCES codes
    explanation: str
    check: Check

    def source_text(self) -> str:
        return "; ".join(SOURCES[c].cite() for c in self.sources)

    def missing(self, row: Row) -> list[str]:
        return ["/".join(g) for g in self.needs if not any(row.get(f) for f in g)]


def hs6_of(row: Row) -> str:
    return "".join(c for c in row.get("hs_code", "") if c.isdigit())[:6]


def unit_price(row: Row) -> float | None:
    try:
        value = float(row.get("value", "").replace(",", ""))
        qty = float(row.get("quantity", "").replace(",", ""))
    except ValueError:
        return None
    return value / qty if qty > 0 else None


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _dest(row: Row) -> str | None:
    return to_iso2(row.get("destination_country", ""))


def _listed_address(ctx: FileContext, row: Row) -> str | None:
    out = []
    for role in ("consignee", "notify_party"):
        address = row.get(f"{role}_address", "")
        if not address:
            continue
        for eid, name, raw in ctx.addresses.find(address)[:3]:
            out.append(
                f"{role} address {address!r} is the address of listed {eid} {name} ({raw!r})"
            )
    return "; ".join(out) or None


def _intermediary(ctx: FileContext, row: Row) -> str | None:
    hs6 = hs6_of(row)
    if hs6 not in ctx.chpl:
        return None
    name = row.get("consignee", "")
    low = name.casefold()
    words = [w for w in INTERMEDIARY if w in low]
    if not words:
        return None
    return f"consignee {name!r} ({', '.join(words)}) receives CHPL goods HS {hs6}"


def _new_consignee(ctx: FileContext, row: Row) -> str | None:
    out = []
    for role in ("consignee", "notify_party"):
        d = iso_prefix(row.get(f"{role}_registered", ""))
        where = to_iso2(row.get(f"{role}_country", "")) or _dest(row)
        if d and len(d) >= 7 and d > INVASION and where in HUBS:
            out.append(f"{role} registered {d} in {str(where).upper()} (after {INVASION})")
    return "; ".join(out) or None


def _third_country_payer(ctx: FileContext, row: Row) -> str | None:
    payer = to_iso2(row.get("payer_country", ""))
    if payer is None:
        return None
    parties = {
        to_iso2(row.get("exporter_country", "")),
        to_iso2(row.get("consignee_country", "")) or _dest(row),
    }
    if payer in parties:
        return None
    hub = " (a diversion hub)" if payer in HUBS else ""
    who = row.get("payer") or "the payer"
    return f"{who!r} pays from {payer.upper()}{hub}, neither the seller's nor the buyer's country"


def _chpl_hub(ctx: FileContext, row: Row) -> str | None:
    hs6, dest = hs6_of(row), _dest(row)
    tier = ctx.chpl.get(hs6, "")
    if tier[:1] in ("1", "2") and dest in HUBS:
        return f"HS {hs6} (CHPL tier {tier}) to {str(dest).upper()}"
    return None


def _price(ctx: FileContext, row: Row) -> str | None:
    unit, dest = unit_price(row), _dest(row)
    med = ctx.medians.get((hs6_of(row), dest or ""))
    if unit is None or not med or unit <= PRICE_FACTOR * med:
        return None
    return (
        f"unit price {unit:,.2f} is {unit / med:.1f}x the median {med:,.2f} of HS {hs6_of(row)} "
        f"to {str(dest).upper()} in this file"
    )


def _first_chpl(ctx: FileContext, row: Row) -> str | None:
    d = iso_prefix(row.get("date", ""))
    if d is None or hs6_of(row) not in ctx.chpl or d <= INVASION:
        return None
    if ctx.earliest is None or ctx.earliest > INVASION:
        return None  # no history before the invasion in the file: see ``not_checked``
    first = ctx.first_chpl.get(_name_key(row.get("consignee", "")))
    if first != d:
        return None
    return f"first CHPL declaration to {row.get('consignee')!r} ({d}); none before {INVASION}"


def _country_of_phone(phone: str) -> str | None:
    digits = "".join(c for c in phone if c.isdigit())
    if phone.strip().startswith("00"):
        digits = digits[2:]
    elif not phone.strip().startswith("+"):
        return None  # a national number says nothing about the country
    if digits.startswith("7"):
        return "kz" if digits[1:2] in ("6", "7") else "ru"
    for n in (3, 2, 1):
        if digits[:n] in CALLING:
            return CALLING[digits[:n]]
    return None


def _country_of_email(email: str) -> str | None:
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    tld = domain.rpartition(".")[2]
    if len(tld) != 2:
        return None  # .com, .net: no country
    return "gb" if tld == "uk" else tld


def _contact(ctx: FileContext, row: Row) -> str | None:
    out = []
    for role in ("consignee", "notify_party"):
        where = to_iso2(row.get(f"{role}_country", "")) or (
            _dest(row) if role == "consignee" else None
        )
        if where is None:
            continue
        for kind, found in (
            ("phone", _country_of_phone(row.get(f"{role}_phone", ""))),
            ("e-mail", _country_of_email(row.get(f"{role}_email", ""))),
        ):
            if found and found != where:
                out.append(f"{role} {kind} is {found.upper()}, the {role} is in {where.upper()}")
    return "; ".join(out) or None


RULES: Final = (
    Rule(
        "listed_address",
        "R15/R16",
        0.6,
        (("consignee_address", "notify_party_address"),),
        ("KYC", "F22", "NTC2", "BISFI"),
        "The consignee's (or notify party's) address is the address of a listed entity, "
        "compared across scripts and abbreviations (BIS Entity List address-only entries "
        "included).",
        _listed_address,
    ),
    Rule(
        "intermediary_consignee",
        "R14",
        0.2,
        (("consignee",), ("hs_code",)),
        ("KYC", "F22", "F23", "NTC2"),
        "A freight forwarder, logistics or trading company is the consignee of CHPL goods: "
        "goods to a party that does not use them.",
        _intermediary,
    ),
    Rule(
        "new_consignee",
        "R10",
        0.25,
        (("consignee_registered", "notify_party_registered"),),
        ("F23", "EU-CHPL", "OTSI"),
        f"The consignee was registered after {INVASION} in a diversion hub.",
        _new_consignee,
    ),
    Rule(
        "third_country_payer",
        "R30",
        0.25,
        (("payer_country",),),
        ("F22", "NTC2", "BISFI"),
        "The payer is in a third country: neither the exporter's nor the consignee's.",
        _third_country_payer,
    ),
    Rule(
        "chpl_tier12_hub",
        "R01/R02",
        0.2,
        (("hs_code",), ("destination_country",)),
        ("F23", "EU-CHPL", "OTSI"),
        "CHPL tier 1-2 goods (the nine HS codes of integrated circuits, radio and navigation "
        "parts) go to a diversion hub named by UK OTSI.",
        _chpl_hub,
    ),
    Rule(
        "price_above_route",
        "R33",
        0.2,
        (("value",), ("quantity",)),
        ("F23", "NTC2"),
        f"The unit price is more than {PRICE_FACTOR:g}x the median of the same HS6 to the same "
        f"destination in this file ({ROUTE_MIN}+ declarations): overpayment.",
        _price,
    ),
    Rule(
        "first_chpl_after_invasion",
        "R12",
        0.2,
        (("date",),),
        ("F23", "EU-CHPL"),
        f"The consignee's first CHPL declaration in the file is after {INVASION}, and the file "
        f"goes back before {INVASION}: a new receiver of battlefield goods.",
        _first_chpl,
    ),
    Rule(
        "contact_country",
        "R19",
        0.1,
        (("consignee_phone", "consignee_email", "notify_party_phone", "notify_party_email"),),
        ("NTC2",),
        "The phone's country code or the e-mail's country domain is not the party's country.",
        _contact,
    ),
)


@cache
def _chpl() -> dict[str, str]:
    from roundabout.reference import goods_lists

    return {r["hs6"]: str(r["tier"] or "") for r in goods_lists.entries("chp").to_pylist()}


def context(rows: Sequence[Row], addresses: list[tuple[str, str, str]]) -> FileContext:
    """The file-wide facts the rules need (``addresses``: listed (id, name, address))."""
    chpl = _chpl()
    prices: dict[tuple[str, str], list[float]] = {}
    first: dict[str, str] = {}
    dates = []
    for r in rows:
        unit, hs6 = unit_price(r), hs6_of(r)
        if unit is not None and len(hs6) == 6:
            prices.setdefault((hs6, _dest(r) or ""), []).append(unit)
        d = iso_prefix(r.get("date", ""))
        if d:
            dates.append(d)
            if hs6 in chpl:
                k = _name_key(r.get("consignee", ""))
                if k not in first or d < first[k]:
                    first[k] = d
    medians = {k: statistics.median(v) for k, v in prices.items() if len(v) >= ROUTE_MIN}
    return FileContext(AddressIndex(addresses), medians, first, min(dates, default=None), chpl)


@dataclass(frozen=True, slots=True)
class Flag:
    code: str  # "redflag:<id>"
    weight: float
    detail: str
    source: str


def check(ctx: FileContext, row: Row) -> tuple[list[Flag], list[str]]:
    """The rules that fire on ``row``, and those not checked (with the fields missing)."""
    fired: list[Flag] = []
    unchecked: list[str] = []
    for rule in RULES:
        missing = rule.missing(row)
        if (
            rule.id == "first_chpl_after_invasion"
            and not missing
            and (ctx.earliest is None or ctx.earliest > INVASION)
        ):
            missing = [f"file history before {INVASION}"]
        if missing:
            unchecked.append(f"{rule.id} (no {', '.join(missing)})")
            continue
        detail = rule.check(ctx, row)
        if detail:
            fired.append(Flag(f"redflag:{rule.id}", rule.weight, detail, rule.source_text()))
    return fired, unchecked


def table() -> str:
    """The rules as a Markdown table (the README's copy is checked against it)."""
    lines = [
        "| reason code | weight | needs | what it means | sources |",
        "|---|---|---|---|---|",
    ]
    for r in RULES:
        needs = ", ".join(" or ".join(f"`{f}`" for f in g) for g in r.needs)
        sources = ", ".join(f"{SOURCES[c].issuer} {SOURCES[c].date}" for c in r.sources)
        lines.append(
            f"| `redflag:{r.id}` ({r.catalogue}) | {r.weight:g} | {needs} | {r.explanation} "
            f"| {sources} |"
        )
    return "\n".join(lines)
