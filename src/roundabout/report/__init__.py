"""The self-contained HTML report (``roundabout report``) and the data behind it.

    >>> from roundabout.report import build, render
    >>> html = render(build(store))          # one string, opens offline

:mod:`~roundabout.report.data` computes each section (shared with the dashboard),
:mod:`~roundabout.report.charts` turns rows into Vega-Lite specs or SVG, and
:mod:`~roundabout.report.html` lays the document out.
"""

from roundabout.report.html import SECTIONS, Report, build, render

__all__ = ["SECTIONS", "Report", "build", "render"]
