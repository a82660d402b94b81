"""The report page of a leaflet: one self-contained HTML file, no scripts, readable from disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from brochures.fileio import write_atomic
from brochures.quality.decisions import Decisions
from brochures.quality.findings import Finding
from brochures.quality.readability import Readability
from brochures.quality.report import LeafletReport, open_errors

CHART_WIDTH, CHART_HEIGHT = 720, 160


def _locale_info(code: str) -> tuple[str, str, str]:
    """(English name, BCP 47 tag, direction) of a catalog code such as zh_Hans."""
    from babel import Locale, UnknownLocaleError

    tag = code.replace("_", "-")
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return code, tag, "ltr"
    rtl = locale.character_order == "right-to-left"
    return locale.get_display_name("en") or code, tag, "rtl" if rtl else "ltr"


def in_context(finding: Finding) -> Markup:
    """The finding's message text with the words it is about marked."""
    if not finding.span:
        return escape(finding.text)
    start, end = finding.span
    text = finding.text
    return Markup("{}<mark>{}</mark>{}").format(text[:start], text[start:end], text[end:])


def chart(readability: Readability, rtl: bool) -> Markup:
    """An inline SVG bar chart: one bar per sentence in reading order, the limit as a line."""
    rows = readability.sentences
    if not rows:
        return Markup("")
    limit = readability.sentence_limit
    top = max([r.difficulty for r in rows] + ([limit] if limit is not None else []) + [1.0])
    top = max(top, 1.0) * 1.1
    step = CHART_WIDTH / len(rows)
    plot = CHART_HEIGHT - 20
    parts = [Markup('<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
                    'viewBox="0 0 {w} {h}" width="{w}" height="{h}">').format(
                        w=CHART_WIDTH, h=CHART_HEIGHT)]
    parts.append(Markup('<title>{}</title>').format(
        f"{readability.difficulty} of each sentence, in reading order"))
    for index, row in enumerate(rows):
        height = max(0.0, row.difficulty) / top * plot
        slot = len(rows) - 1 - index if rtl else index
        x = slot * step + step * 0.15
        parts.append(Markup(
            '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" class="{cls}">'
            '<title>{n}. {v:.1f} — {text} ({ctx})</title></rect>').format(
                x=x, y=plot - height, w=step * 0.7, h=height, cls="hard" if row.hard else "ok",
                n=index + 1, v=row.difficulty, text=row.text, ctx=row.context))
    if limit is not None:
        y = plot - limit / top * plot
        parts.append(Markup('<line x1="0" x2="{w}" y1="{y:.1f}" y2="{y:.1f}" class="limit"/>'
                            '<text x="4" y="{ty:.1f}" class="axis">limit {v:g}</text>').format(
                                w=CHART_WIDTH, y=y, ty=max(10.0, y - 3), v=limit))
    parts.append(Markup('<text x="4" y="{y}" class="axis">{label}</text>').format(
        y=CHART_HEIGHT - 4, label=("last sentence … first" if rtl else
                                   "first sentence … last")))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("brochures.quality", "templates"),
                      autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["in_context"] = in_context
    env.globals["chart"] = chart
    env.globals["locale_info"] = _locale_info
    return env


def render_report_page(report: LeafletReport, decisions: Decisions,
                       today: dt.date | None = None) -> str:
    """The report page of one leaflet, as HTML text."""
    assessed = report.assessed(decisions)
    states = {a.finding.key: a for a in assessed}
    return _environment().get_template("report.html").render(
        report=report, states=states, today=(today or dt.date.today()).isoformat(),
        open_errors=len(open_errors(assessed)), open=sum(a.is_open for a in assessed),
        accepted=sum(not a.is_open for a in assessed), targets=report.targets)


def write_report_page(report: LeafletReport, decisions: Decisions, path: Path,
                      today: dt.date | None = None) -> Path:
    """Write the report page of one leaflet to ``path`` in one step."""
    write_atomic(path, render_report_page(report, decisions, today).encode("utf-8"))
    return path
