"""Charts as data: Vega-Lite specs (rendered to inline SVG for the report, embedded live in the
dashboard) and a Sankey drawn directly as SVG (Vega-Lite has no Sankey mark).

Each builder takes the plain rows of :mod:`roundabout.report.data` and returns a dict (a
Vega-Lite spec) or a string (SVG), so the same chart appears in both places.
"""

from __future__ import annotations

from html import escape
from typing import Any

from roundabout.report.data import Flowchart, Series

WIDTH = 760


def _amount(x: float, currency: str) -> str:
    for div, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(x) >= div:
            return f"{currency} {x / div:,.1f}{suffix}"
    return f"{currency} {x:,.0f}"


def money_axis(currency: str, title: str | None = None) -> dict[str, Any]:
    """A Vega-Lite axis whose labels read "EUR 3.5bn", "EUR 250m", "EUR 40k"."""
    c = currency or ""
    expr = (
        f"(abs(datum.value) >= 1e9 ? '{c} ' + format(datum.value / 1e9, '.1~f') + 'bn' : "
        f"abs(datum.value) >= 1e6 ? '{c} ' + format(datum.value / 1e6, '.0~f') + 'm' : "
        f"abs(datum.value) >= 1e3 ? '{c} ' + format(datum.value / 1e3, '.0~f') + 'k' : "
        f"'{c} ' + format(datum.value, '.0f'))"
    )
    return {"title": title if title is not None else c, "labelExpr": expr}


def monthly_spec(series: Series, title: str = "") -> dict[str, Any]:
    """Two panels, each on its own scale: direct exports to the target, then exports to each
    hub (``to ARM``), by month, with a dashed rule at each month a ban package first covers."""
    rules = [
        {"period": d["month"], "label": f"ban: {d['codes']} codes"} for d in series.sanction_dates
    ]
    unit = series.currency or "value"

    def panel(rows: list[dict[str, Any]], heading: str) -> dict[str, Any]:
        return {
            "title": heading,
            "width": WIDTH,
            "height": 200,
            "layer": [
                {
                    "data": {"values": rows},
                    "mark": {"type": "line", "point": True, "strokeWidth": 2},
                    "encoding": {
                        "x": {
                            "field": "period",
                            "type": "temporal",
                            "timeUnit": "yearmonth",
                            "title": "month",
                        },
                        "y": {
                            "field": "value",
                            "type": "quantitative",
                            "axis": money_axis(unit, f"{unit} per month"),
                        },
                        "color": {"field": "route", "type": "nominal", "title": "route"},
                        "tooltip": [
                            {"field": "period", "type": "nominal"},
                            {"field": "route", "type": "nominal"},
                            {"field": "value", "type": "quantitative", "format": ",.0f"},
                        ],
                    },
                },
                {
                    "data": {"values": rules},
                    "mark": {"type": "rule", "color": "#b30000", "strokeDash": [4, 3]},
                    "encoding": {
                        "x": {"field": "period", "type": "temporal", "timeUnit": "yearmonth"},
                        "tooltip": [{"field": "label", "type": "nominal"}],
                    },
                },
            ],
        }

    direct = [r for r in series.rows if r["route"] == "direct"]
    hubs = [r for r in series.rows if r["route"] != "direct"]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title or f"Sanctioned goods exported by the origins, by month ({unit})",
        "vconcat": [
            panel(direct, "direct to the target"),
            panel(hubs, "to each hub (its own scale)"),
        ],
        "resolve": {"scale": {"y": "independent", "color": "independent"}},
    }


def event_study_spec(coefs: list[dict[str, Any]], warning: str | None = None) -> dict[str, Any]:
    """Event-study coefficients by month relative to the ban, with 95% intervals; the
    pre-trend warning, if any, as the subtitle."""
    rows = [
        {
            "rel_month": c["rel_month"],
            "estimate": c["estimate"],
            "low": c["estimate"] - 1.96 * c["se"],
            "high": c["estimate"] + 1.96 * c["se"],
        }
        for c in coefs
    ]
    x = {"field": "rel_month", "type": "quantitative", "title": "months since the ban"}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {
            "text": "Event study: sanctioned goods to the hubs, relative to before the ban (log)",
            **({"subtitle": f"Warning: {warning}", "subtitleColor": "#b30000"} if warning else {}),
        },
        "width": WIDTH,
        "height": 260,
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "rule", "color": "#888"},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "low",
                        "type": "quantitative",
                        "title": "coefficient (95% interval)",
                    },
                    "y2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 50},
                "encoding": {
                    "x": x,
                    "y": {"field": "estimate", "type": "quantitative"},
                    "tooltip": [{"field": "rel_month"}, {"field": "estimate", "format": ".3f"}],
                },
            },
            {
                "mark": {"type": "rule", "strokeDash": [2, 2], "color": "#b30000"},
                "data": {"values": [{"zero": 0}]},
                "encoding": {"y": {"field": "zero", "type": "quantitative"}},
            },
        ],
    }


def offsets_spec(hubs: dict[str, Any]) -> dict[str, Any]:
    """Offset share per hub (bars), in per cent of the direct drop."""
    rows = [
        {"hub": h, "offset_share": 100 * f["offset_share"]}
        for h, f in hubs.items()
        if f.get("offset_share") is not None
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Offset share by hub (% of the direct drop)",
        "width": WIDTH // 2,
        "height": 180,
        "data": {"values": rows},
        "mark": "bar",
        "encoding": {
            "y": {"field": "hub", "type": "nominal", "sort": "-x"},
            "x": {"field": "offset_share", "type": "quantitative", "title": "%"},
            "tooltip": [{"field": "hub"}, {"field": "offset_share", "format": ".1f"}],
        },
    }


def to_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec to SVG (vl-convert, no browser, no network)."""
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(spec)
    return svg


_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


def sankey_svg(chart: Flowchart, target: str, width: int = WIDTH, height: int = 420) -> str:
    """A three-column Sankey (origins | hubs | target) as an SVG string.

    Node heights are proportional to the larger of their in- and outflow; each link is a band
    whose thickness is its value, drawn as a cubic Bezier between its two nodes. Links from an
    origin straight to the target skip the middle column.
    """
    links = chart.links
    hubs = sorted({x["target"] for x in links} - {target})
    origins = sorted({x["source"] for x in links} - set(hubs) - {target})
    cols: list[list[str]] = [origins, hubs, [target]]
    flow_in: dict[str, float] = {}
    flow_out: dict[str, float] = {}
    for x in links:
        flow_out[x["source"]] = flow_out.get(x["source"], 0.0) + x["value"]
        flow_in[x["target"]] = flow_in.get(x["target"], 0.0) + x["value"]
    size = {n: max(flow_in.get(n, 0.0), flow_out.get(n, 0.0)) for c in cols for n in c}
    pad, node_w, top = 8, 14, 24
    total = max(sum(size[n] for n in c) for c in cols) or 1.0
    max_n = max(len(c) for c in cols)
    scale = (height - top - 10 - pad * max_n) / total
    xs = [120, width // 2, width - 140]
    pos: dict[str, tuple[float, float]] = {}
    for ci, c in enumerate(cols):
        y = float(top)
        for n in c:
            pos[n] = (xs[ci], y)
            y += size[n] * scale + pad
    out_off = {n: 0.0 for n in pos}
    in_off = {n: 0.0 for n in pos}
    colour = {o: _PALETTE[i % len(_PALETTE)] for i, o in enumerate([*origins, *hubs])}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="11">',
        f"<title>Sanctioned goods: origin to hub to {escape(target)}, {escape(chart.currency)}"
        "</title>",
    ]
    for x in sorted(links, key=lambda x: (x["source"], x["target"])):
        s, t = x["source"], x["target"]
        if s not in pos or t not in pos:
            continue
        th = x["value"] * scale
        sx, sy = pos[s][0] + node_w, pos[s][1] + out_off[s] + th / 2
        tx, ty = pos[t][0], pos[t][1] + in_off[t] + th / 2
        out_off[s] += th
        in_off[t] += th
        mid = (sx + tx) / 2
        parts.append(
            f'<path d="M{sx:.1f},{sy:.1f} C{mid:.1f},{sy:.1f} {mid:.1f},{ty:.1f} {tx:.1f},{ty:.1f}"'
            f' fill="none" stroke="{colour.get(s, "#999")}" stroke-opacity="0.45" '
            f'stroke-width="{max(th, 1.0):.1f}"><title>{escape(s)} to {escape(t)}: '
            f"{escape(_amount(x['value'], chart.currency))}</title></path>"
        )
    for n, (x0, y0) in pos.items():
        h = max(size[n] * scale, 1.0)
        anchor, lx = ("end", x0 - 4) if x0 == xs[0] else ("start", x0 + node_w + 4)
        parts.append(
            f'<rect x="{x0}" y="{y0:.1f}" width="{node_w}" height="{h:.1f}" '
            f'fill="{colour.get(n, "#333")}"><title>{escape(n)}: {size[n]:,.0f}</title></rect>'
            f'<text x="{lx}" y="{y0 + h / 2 + 4:.1f}" text-anchor="{anchor}">{escape(n)}</text>'
        )
    for i, label in enumerate(("origins", "hubs", target)):
        parts.append(f'<text x="{xs[i]}" y="14" font-weight="bold">{escape(label)}</text>')
    bar = 20.0  # a scale bar: this many pixels of band width are worth ...
    worth = escape(_amount(bar / scale, chart.currency))
    parts.append(
        f'<rect x="{width - 130}" y="{height - 28}" width="6" height="{bar:.0f}" fill="#999"/>'
        f'<text x="{width - 118}" y="{height - 14}">= {worth}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
