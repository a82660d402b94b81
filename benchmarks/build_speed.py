"""Build speed and size against plain WeasyPrint, measured in one run on this machine.

Times, on a private copy of the project:
  (a) naive: the same HTML rendered by one `weasyprint` command per document, in turn;
  (b) full: `brochures build --force`, every language and variant;
  (c) no-op: `brochures build` again, nothing changed;
  (d) one string: `brochures build` after changing one string in one catalog.
Prints a table, then as its last line one JSON object with the ratios and sizes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHANGED_LOCALE = "es"


def copy_project(target: Path) -> Path:
    for part in ("content", "locales", "templates", "babel.cfg"):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("*.mo", "*.bak"))
        else:
            shutil.copy2(source, target / part)
    return target


def timed(args: list[str], cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"benchmark step failed: {' '.join(args)}\n{done.stderr}")
    return seconds, done.stdout + done.stderr


def write_html(project: Path, folder: Path) -> list[tuple[Path, list[str]]]:
    """The HTML of every document as the build renders it, with matching weasyprint options."""
    os.chdir(project)
    from brochures.check import catalog_diagnostics
    from brochures.plan import gather, locale_blocks, plan_documents
    from brochures.project import Project

    site = gather(Project(project))
    plans = plan_documents(site, False, locale_blocks(site, catalog_diagnostics(site), False))
    documents = []
    for plan in plans:
        assert plan.job is not None, plan.error
        path = folder / f"{plan.brochure}-{plan.locale}-{plan.variant}.html"
        path.write_text(plan.job.html, encoding="utf-8")
        options = dict(plan.job.pdf_options)
        extra = ["--base-url", plan.job.base_url]
        if options.get("pdf_variant"):
            extra += ["--pdf-variant", options["pdf_variant"]]
        if options.get("pdf_tags"):
            extra.append("--pdf-tags")
        documents.append((path, extra))
    return documents


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="brochures-bench-") as tmp:
        root = copy_project(Path(tmp) / "project")
        html_folder = Path(tmp) / "html"
        html_folder.mkdir()
        documents = write_html(root, html_folder)

        started = time.perf_counter()
        for path, extra in documents:
            subprocess.run([str(BIN / "weasyprint"), *extra, str(path),
                            str(path.with_suffix(".pdf"))], check=True, capture_output=True)
        naive = time.perf_counter() - started

        brochures = [str(BIN / "brochures"), "build"]
        full, full_out = timed([*brochures, "--force"], root)
        noop, noop_out = timed(brochures, root)
        po = root / f"locales/{CHANGED_LOCALE}/LC_MESSAGES/messages.po"
        text = po.read_text(encoding="utf-8")
        changed = text.replace('msgstr "Teléfono"', 'msgstr "Tel."', 1)
        assert changed != text, "the string to change is not in the catalog"
        po.write_text(changed, encoding="utf-8")
        one, one_out = timed(brochures, root)

        manifest = json.loads((root / "output/manifest.json").read_text(encoding="utf-8"))
        sizes = screen_sizes(manifest["documents"])
        rebuilt = int(re.search(r"(\d+) built", one_out)[1])
        rss = float(re.search(r"largest renderer (\d+) MB", full_out)[1])

    count = len(documents)
    rows = [("(a) naive: one weasyprint command per document", naive),
            ("(b) brochures build --force", full),
            ("(c) no-op rebuild", noop),
            (f"(d) one string changed in {CHANGED_LOCALE}", one)]
    print(f"{count} documents, {os.cpu_count()} CPUs")
    print(f"{'step':<50} {'seconds':>8} {'vs (b)':>7}")
    for label, seconds in rows:
        print(f"{label:<50} {seconds:>8.2f} {seconds / full:>7.3f}")
    print(f"(d) rebuilt {rebuilt} documents; largest renderer {rss:.0f} MB")
    print("largest screen PDF per script: "
          + ", ".join(f"{script} {kb:.0f} KB" for script, kb in sizes.items()))
    print(json.dumps({
        "full_vs_naive": round(full / naive, 3),
        "noop_vs_full": round(noop / full, 4),
        "one_string_vs_full": round(one / full, 3),
        "one_string_rebuilt": rebuilt,
        "worker_peak_rss_mb": rss,
        "max_screen_pdf_kb": sizes,
        "documents": count,
        "cpus": os.cpu_count(),
        "seconds": {"naive": round(naive, 2), "full": round(full, 2), "noop": round(noop, 3),
                    "one_string": round(one, 2)},
    }))


def screen_sizes(documents: list[dict]) -> dict[str, float]:
    from brochures.locales import locale_info

    sizes: dict[str, float] = {}
    for doc in documents:
        if doc["variant"] == "screen":
            script = locale_info(doc["locale"]).script
            sizes[script] = max(sizes.get(script, 0.0), doc["bytes"] / 1024)
    return {script: round(kb, 1) for script, kb in sorted(sizes.items())}


if __name__ == "__main__":
    main()
