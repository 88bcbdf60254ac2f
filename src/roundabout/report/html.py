"""The report: one self-contained HTML file (inline CSS, charts as inline SVG, no scripts, no
links to anything outside the file), so it opens offline and can be mailed or archived.

:func:`build` gathers every section from the store (:mod:`roundabout.report.data`) and
:func:`render` turns them into HTML. A section whose inputs are missing says
"not available: <reason>" instead of stopping the report.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape as _html_escape
from typing import Any

from roundabout.analytics import LeakParams, LeakResult, Unavailable
from roundabout.report import charts
from roundabout.report.data import (
    PUBLISHED,
    Flowchart,
    Scope,
    Series,
    chp_tiers,
    leaks,
    monthly_series,
    sankey,
    screening_summary,
)
from roundabout.store import Store
from roundabout.text_safety import visible

#: Section ids and titles, in order (the report test checks each one is present).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Summary: how much of the drop the hubs offset"),
    ("sankey", "Where sanctioned goods went: origin, hub, target"),
    ("monthly", "Monthly series with the sanction dates"),
    ("findings", "Findings, best first"),
    ("lost", "Lost in transit"),
    ("event-study", "Event study"),
    ("chp", "Common High Priority items by tier"),
    ("screening", "Screening"),
)

#: The default Sankey window when the leak analysis cannot say (WP 276's first post-war year).
DEFAULT_WINDOW = ("2022-03", "2023-02")


def escape(text: str) -> str:
    """HTML-escaped, with control and bidi characters shown as escapes (:mod:`text_safety`)."""
    return _html_escape(visible(text, page=True))


@dataclass
class Report:
    """Everything the report shows (each part its data or :class:`Unavailable`)."""

    store: str
    params: LeakParams
    leaks: LeakResult | Unavailable
    series: Series | Unavailable
    flows: Flowchart | Unavailable
    screening: dict[str, Any] | Unavailable
    chp: list[dict[str, Any]]
    created: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))


def build(store: Store, params: LeakParams | None = None) -> Report:
    """Compute every section of the report from ``store``."""
    params = params or LeakParams()
    result = leaks(store, params)
    scope = Scope(
        target=params.target, hubs=params.hubs, origins=params.origins, goods=params.goods
    )
    if isinstance(result, LeakResult):
        w = result.summary.window
        window = (w.start, w.end)
        scope = Scope(
            target=params.target,
            hubs=tuple(result.summary.hubs),
            origins=result.origins or None,
            goods=params.goods,
            currency=result.summary.currency,
            exclude=tuple(a.product for a in result.set_aside),
        )
    else:
        window = DEFAULT_WINDOW
    flows = store.flows()
    series = monthly_series(flows, Scope(**{**scope.__dict__, "period_from": "2021-01"}))
    chart = sankey(
        flows, Scope(**{**scope.__dict__, "period_from": window[0], "period_to": window[1]})
    )
    return Report(
        store=str(store.path),
        params=params,
        leaks=result,
        series=series,
        flows=chart,
        screening=screening_summary(store),
        chp=chp_tiers(),
    )


# ------------------------------------------------------------------------------------------
# Rendering


def _na(reason: str) -> str:
    return f'<p class="na">not available: {escape(reason)}</p>'


def _money(x: float | None, currency: str) -> str:
    if x is None:
        return "n/a"
    for div, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(x) >= div:
            return f"{currency} {x / div:,.1f}{suffix}"
    return f"{currency} {x:,.0f}"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


CCA3 = ("ARM", "KAZ", "KGZ")


def _cca3(summary: dict[str, Any]) -> tuple[float, float | None] | None:
    """Hub excess and offset share of the CCA3 hubs (WP 276's group) when the chosen hubs
    include all three and more: the group's excess is the sum over its hubs, its share that
    sum over the same direct drop."""
    hubs = summary["hubs"]
    if not all(h in hubs for h in CCA3) or len(hubs) == len(CCA3):
        return None
    excess = sum(hubs[h]["hub_excess"] or 0.0 for h in CCA3)
    drop = summary["direct_drop"]
    return excess, (excess / drop if drop else None)


def _summary(r: Report) -> str:
    published = _table(
        ["source", "scope", "published figure"],
        [[escape(a), escape(b), escape(c)] for a, b, c in PUBLISHED],
    )
    if isinstance(r.leaks, Unavailable):
        return _na(r.leaks.reason) + "<h3>Published figures</h3>" + published
    d = r.leaks.to_dict()["summary"]
    c = d["currency"]
    rows = [
        [
            escape(h),
            _money(f["hub_excess"], c),
            _money(f["excess_out"], c),
            _money(f["lost_in_transit"], c),
            f"<b>{_pct(f['offset_share'])}</b>",
            _ci(f["offset_share_ci"]),
        ]
        for h, f in d["hubs"].items()
    ]
    rows.append(
        [
            "<b>all hubs</b>",
            _money(d["hub_excess"], c),
            _money(d["excess_out"], c),
            _money(d["lost_in_transit"], c),
            f"<b>{_pct(d['offset_share'])}</b>",
            _ci(d["offset_share_ci"]),
        ]
    )
    cca3 = _cca3(d)
    if cca3 is not None:
        rows.append(
            [
                "CCA3 (ARM, KAZ, KGZ)",
                _money(cca3[0], c),
                "",
                "",
                f"<b>{_pct(cca3[1])}</b>",
                "",
            ]
        )
    intro = (
        f"<p>Sanctioned goods ({escape(d['goods'])}, {d['sanctioned_products']} HS6 codes in the "
        f"data) to {escape(d['target'])}: window {escape(d['window'])} against baseline "
        f"{escape(d['baseline'])}. The direct drop of exports to {escape(d['target'])} against "
        f"the expected level was <b>{_money(d['direct_drop'], c)}</b>; the <i>offset share</i> "
        "is the excess exports to the hubs as a share of that drop (counterfactual: "
        f"{escape(d['counterfactual'])}; interval: 90%, bootstrap over products, "
        f"{d['bootstrap']:,} resamples). Without a counterfactual (plain after minus before, "
        f"per month) the share is {_pct(d['raw']['offset_share'])}.</p>"
        + _placebo(d)
        + "".join(f"<p class='na'>warning: {escape(w)}</p>" for w in r.leaks.warnings)
    )
    table = _table(
        [
            "hub",
            "excess exports to hub",
            "hub's excess onward",
            "lost in transit",
            "offset share",
            "90% interval",
        ],
        rows,
    )
    spec = charts.offsets_spec(d["hubs"])
    chart = _figure(charts.to_svg(spec), "Offset share per hub") if spec["data"]["values"] else ""
    compare = (
        "<h3>Next to the published figures</h3>"
        f"<p>This report's window is {escape(d['window'])} against {escape(d['baseline'])}; "
        "WP 276's figure is for March-August 2022 against the same months of 2021 "
        "(run <code>roundabout report --window 2022-03:2022-08</code> for the same months). "
        f"Here: <b>{_pct(d['offset_share'])}</b> of the drop for all hubs together"
        + (
            f"; <b>{_pct(cca3[1])}</b> for the CCA3 hubs (Armenia, Kazakhstan, Kyrgyz "
            "Republic), the group WP 276 reports on"
            if cca3 is not None
            else ""
        )
        + ".</p>"
        + published
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in r.leaks.notes)
    aside = [
        [escape(a.product), _money(a.hub_value, c), _money(a.value, c), escape(a.reason)]
        for a in r.leaks.set_aside[:15]
    ]
    aside_html = (
        f"<h3>Set aside: broken series ({len(r.leaks.set_aside)} products)</h3>"
        + _table(["product", "to the hubs", "all routes", "reason"], aside)
        if aside
        else ""
    )
    chapters = [
        [escape(h), escape(code), escape(ch.get("description") or ""), _money(ch["hub_excess"], c)]
        for h, f in d["hubs"].items()
        for code, ch in list((f.get("chapters") or {}).items())[:5]
    ]
    chapters_html = (
        "<h3>Hub excess by HS chapter (largest five per hub)</h3>"
        + _table(["hub", "chapter", "description", "hub excess"], chapters)
        if chapters
        else ""
    )
    return (
        intro
        + table
        + chart
        + compare
        + chapters_html
        + aside_html
        + (f"<ul class='notes'>{notes}</ul>" if notes else "")
    )


def _ci(ci: list[float] | None) -> str:
    return "n/a" if not ci else f"{_pct(ci[0])} to {_pct(ci[1])}"


def _placebo(d: dict[str, Any]) -> str:
    p = d.get("placebo")
    if not p:
        return ""
    if not p.get("available", True):
        return f"<p>Placebo: not available: {escape(p['reason'])}</p>"
    c = d["currency"]
    return (
        f"<p>Placebo (every ban and both periods 12 months earlier: window {escape(p['window'])} "
        f"against {escape(p['baseline'])}): hub excess <b>{_money(p['hub_excess'], c)}</b> "
        f"against {_money(d['hub_excess'], c)} in the real window, direct drop "
        f"{_money(p['direct_drop'], c)}, offset share {_pct(p['offset_share'])}. What the method "
        "finds where no ban was in force is a measure of its noise.</p>"
    )


def _sankey(r: Report) -> str:
    if isinstance(r.flows, Unavailable):
        return _na(r.flows.reason)
    f = r.flows
    notes = "".join(f"<li>{escape(n)}</li>" for n in f.notes)
    return _figure(
        charts.sankey_svg(f, r.params.target),
        f"Exports of sanctioned goods, {f.period}, {f.currency}: band width is value.",
    ) + (f"<ul class='notes'>{notes}</ul>" if notes else "")


def _monthly(r: Report) -> str:
    if isinstance(r.series, Unavailable):
        return _na(r.series.reason)
    s = r.series
    dates = ", ".join(f"{d['month']} ({d['codes']} codes)" for d in s.sanction_dates)
    notes = "".join(f"<li>{escape(n)}</li>" for n in s.notes)
    return _figure(
        charts.to_svg(charts.monthly_spec(s)),
        f"Direct exports to the target against exports to each hub; dashed lines: the first "
        f"full month of each ban package ({dates}).",
    ) + (f"<ul class='notes'>{notes}</ul>" if notes else "")


def _findings(r: Report) -> str:
    if isinstance(r.leaks, Unavailable):
        return _na(r.leaks.reason)
    if not r.leaks.findings:
        return _na("no (hub, product) pair stands out")
    c = r.leaks.summary.currency
    rows = [
        [
            str(i),
            escape(f.hub),
            escape(f.product),
            _money(f.score, c),
            _money(f.excess_in, c),
            _money(f.excess_out, c),
            _money(f.lost_in_transit, c),
            f"{f.months_above}/{f.months}",
            f'<span class="expl">{escape(f.explanation)}</span>',
        ]
        for i, f in enumerate(r.leaks.findings, 1)
    ]
    surges = [
        [
            escape(f.hub),
            escape(f.product),
            escape((f.description or "")[:70]),
            _money(f.excess_in, c),
            escape(", ".join(f.listed_in_heading) or "none"),
        ]
        for f in r.leaks.unlisted_surges[:15]
    ]
    surges_html = (
        "<h3>Unlisted surges (not findings)</h3><p>Goods not on the list that rose through a "
        "hub beyond expected, ranked the same way: no evidence of evasion on their own, but "
        "worth a look where listed codes of the same heading could be misdeclared as them.</p>"
        + _table(["hub", "product", "description", "excess in", "listed in its HS4"], surges)
        if surges
        else ""
    )
    return (
        _table(
            [
                "#",
                "hub",
                "product",
                "score",
                "excess in",
                "excess out",
                "lost",
                "months above",
                "explanation",
            ],
            rows,
            "findings",
        )
        + surges_html
    )


def _lost(r: Report) -> str:
    if isinstance(r.leaks, Unavailable):
        return _na(r.leaks.reason)
    lost = r.leaks.lost_in_transit
    if isinstance(lost, Unavailable):
        return _na(lost.reason)
    c = r.leaks.summary.currency
    by_hub = [[escape(h), _money(f.lost_in_transit, c)] for h, f in r.leaks.summary.hubs.items()]
    ratios = [
        [escape(x.kind), escape(x.year), f"{x.median_log_ratio:+.4f}", f"{x.pairs:,}"] for x in lost
    ]
    top = [
        [escape(f.hub), escape(f.product), _money(f.lost_in_transit, c)]
        for f in sorted(r.leaks.findings, key=lambda f: -(f.lost_in_transit or 0.0))[:10]
        if (f.lost_in_transit or 0.0) > 0
    ]
    return (
        "<p>Goods the origins report exporting to a hub that the hub's import records do not "
        "account for, at the product's own recording ratio before the sanctions, adjusted by "
        "the change in the hub's recording of other goods (so a general change in a hub's "
        "statistics does not read as leakage). Only products the hub records in both periods."
        "</p>"
        + _table(["hub", "lost in transit"], by_hub)
        + "<h3>Median ln(M / X): hub import records over the origins' export records, summed "
        "over exporters per hub, product and year</h3>"
        + _table(["goods", "year", "median log ratio", "pairs"], ratios)
        + (
            "<h3>Largest gaps among the findings</h3>" + _table(["hub", "product", "lost"], top)
            if top
            else ""
        )
    )


def _event_study(r: Report) -> str:
    if isinstance(r.leaks, Unavailable):
        return _na(r.leaks.reason)
    did = r.leaks.did
    text = ""
    direct = r.leaks.did_direct
    if isinstance(direct, dict):
        for name, key in (("log-linear", "log_linear"), ("PPML", "ppml")):
            coef = direct[key]
            if coef.get("estimate") is not None:
                text += (
                    f"<p>Direct-route DiD ({name}; {escape(direct['design'])}): "
                    f"{coef['estimate']:+.3f} (se {coef['se']:.3f}, p {coef['pvalue']:.3f}, "
                    f"n {coef['n']:,}; {direct['comparison_units']} comparison units)</p>"
                )
    else:
        text += f"<p>Direct-route DiD: not available: {escape(direct.reason)}</p>"
    if isinstance(did, Unavailable):
        return text + _na(f"hub DiD and event study: {did.reason}")
    es = did.event_study
    text += f"<p>Hub design: {escape(did.design)}; {did.rows:,} rows, {did.units:,} units.</p>"
    warning = (did.pretrend or {}).get("warning")
    if did.pretrend is not None:
        text += (
            f"<p>Pre-trend: joint test of the pre-ban coefficients, p = "
            f"{did.pretrend['pvalue']:.3g}.</p>"
        )
    if warning:
        text += f"<p class='na'>warning: {escape(warning)}</p>"
    if did.caveat:
        text += f"<p class='na'>caveat: {escape(did.caveat)}</p>"
    for name, coef in (("log-linear", did.log_linear), ("PPML", did.ppml)):
        if not isinstance(coef, Unavailable):
            text += (
                f"<p>DiD ({name}): {coef.estimate:+.3f} (se {coef.se:.3f}, "
                f"p {coef.pvalue:.3f}, n {coef.n:,})</p>"
            )
    if isinstance(es, Unavailable):
        return text + _na(f"event study: {es.reason}")
    coefs = [{"rel_month": e.rel_month, "estimate": e.estimate, "se": e.se} for e in es]
    return text + _figure(
        charts.to_svg(charts.event_study_spec(coefs, warning)),
        "Coefficients by month relative to the ban, 95% intervals; 0 is the first month under "
        "the ban.",
    )


def _chp(r: Report) -> str:
    rows = [
        [
            escape(t["tier"]),
            str(len(t["items"])),
            "<br>".join(f"{escape(i['code'])} {escape(i['description'][:90])}" for i in t["items"]),
        ]
        for t in r.chp
    ]
    return (
        "<p>The Common High Priority list (EU, US, UK, Japan): battlefield items by tier; "
        "tier 1 is the most critical.</p>" + _table(["tier", "codes", "items"], rows, "chp")
    )


def _screening(r: Report) -> str:
    s = r.screening
    if isinstance(s, Unavailable):
        return _na(s.reason)
    rows = [
        ["screening runs", f"{s['runs']:,}"],
        ["hits recorded", f"{s['hits']:,}"],
        ["parties with hits", f"{s['parties_hit']:,}"],
        ["matches (at or above threshold)", f"{s['matches']:,}"],
        ["open alerts (no decision yet)", f"{s['open_alerts']:,}"],
    ]
    rows += [[f"hits {escape(k)}", f"{v:,}"] for k, v in sorted(s["by_status"].items())]
    rows += [[f"decisions: {escape(k)}", f"{v:,}"] for k, v in sorted(s["decisions"].items())]
    if "audit" in s:
        rows.append(["audit log hash chain", escape(s["audit"]["message"])])
    return _table(["", "count"], rows)


_RENDER = {
    "summary": _summary,
    "sankey": _sankey,
    "monthly": _monthly,
    "findings": _findings,
    "lost": _lost,
    "event-study": _event_study,
    "chp": _chp,
    "screening": _screening,
}

_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.8em 0;font-size:.9em}
th,td{border:1px solid #ddd;padding:.3em .6em;vertical-align:top;text-align:left}
th{background:#f3f3f3}.na{color:#a33;font-style:italic}.notes{color:#555;font-size:.9em}
figure{margin:1em 0}figcaption{color:#555;font-size:.85em}svg{max-width:100%;height:auto}
.expl{font-size:.85em;color:#333}nav a{margin-right:1em}
"""


#: Set (to anything but "" or "0") to make :func:`render` raise instead of writing "not
#: available" for a section that crashes; the tests set it, so a crash fails them.
STRICT_ENV = "ROUNDABOUT_REPORT_STRICT"


def render(report: Report, *, strict: bool | None = None) -> str:
    """The whole HTML document.

    Data a section lacks is not an error: the section says so from its :class:`Unavailable`
    reason. A section that *raises* is a bug: by default the reader still gets the other
    sections and "not available: <the exception>" in its place; with ``strict`` (default:
    the :data:`STRICT_ENV` environment variable) the exception propagates, which is how the
    tests see it.
    """
    if strict is None:
        strict = os.environ.get(STRICT_ENV, "") not in ("", "0")
    body = []
    for sid, title in SECTIONS:
        try:
            inner = _RENDER[sid](report)
        except Exception as exc:  # a chart that fails to render must not lose the others
            if strict:
                raise
            inner = _na(f"{type(exc).__name__}: {exc}")
        body.append(f'<section id="{sid}"><h2>{escape(title)}</h2>{inner}</section>')
    nav = "".join(f'<a href="#{sid}">{escape(title.split(":")[0])}</a>' for sid, title in SECTIONS)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>roundabout report</title><style>{_CSS}</style></head><body>"
        "<h1>roundabout: sanctioned goods taking the long way</h1>"
        f"<p>Store <code>{escape(report.store)}</code>, written {escape(report.created)}.</p>"
        f"<nav>{nav}</nav>{''.join(body)}</body></html>\n"
    )
