"""Patient-information quality: reading level, claims, jargon and missing elements of a leaflet.

Pure functions over plain text. A caller gives each language's messages as
:class:`TextUnit` objects in reading order, the leaflet's metadata as a dict, and the
rules read from the project's ``content/quality`` folder::

    rules = load_rules(project_root / "content" / "quality")
    report = leaflet_report("laser-skin-tightening", {"en": units_en, "de": units_de},
                            metadata, rules)
    decisions = load_decisions(project_root / "content" / "quality" / "decisions.yaml")
    blocking = open_errors(report.assessed(decisions))
    write_report_page(report, decisions, Path("output/quality/laser-skin-tightening.html"))
"""

from brochures.quality.completeness import check_completeness
from brochures.quality.data import default_dir
from brochures.quality.decisions import (
    Assessed,
    Decision,
    Decisions,
    assess,
    load_decisions,
    resolve,
    save_decisions,
)
from brochures.quality.findings import Finding
from brochures.quality.html import render_report_page, write_report_page
from brochures.quality.report import (
    LeafletReport,
    QualityReport,
    Rules,
    analyse,
    as_dict,
    leaflet_report,
    load_rules,
    open_errors,
)
from brochures.quality.text import TextUnit

__all__ = [
    "Assessed", "Decision", "Decisions", "Finding", "LeafletReport", "QualityReport", "Rules",
    "TextUnit", "analyse", "as_dict", "assess", "check_completeness", "default_dir",
    "leaflet_report", "load_decisions", "load_rules", "open_errors", "render_report_page",
    "resolve", "save_decisions", "write_report_page",
]
