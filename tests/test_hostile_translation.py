"""A hostile catalog changes words only: never CSS, page size, links, numbers or the terminal."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tinycss2
from babel.messages.pofile import escape, read_po
from pypdf import PdfReader

from brochures.catalogs import read_catalog
from brochures.checks import check_catalog
from brochures.engine import render_pdf
from brochures.markup import sanitize
from brochures.plan import gather, plan_documents
from brochures.project import Project
from brochures.render import css_counter

from conftest import CliResult, edit, line_of, run_cli
from pdfread import contains

ES = "locales/es/LC_MESSAGES/messages.po"
CONTENT = "content/laser-skin-tightening.yaml"
BROCHURE = "laser-skin-tightening"
FOOTER = "Page %(page)s of %(pages)s"
SIDE_EFFECTS = "Posibles efectos posteriores del tratamiento láser"  # the section's heading
DISCLAIMER = "No sustituye el consejo"  # the Spanish disclaimer below the contact details
SCARRING = "laser-skin-tightening:sections.after-effects.body.effects.items.scarring.text"


def translate(root: Path, msgid: str, string: str, context: str | None = None) -> int:
    """Give one message of the Spanish catalog the translation ``string``, written as a
    translator's editor would (one line, no re-wrapping); returns the msgid's line."""
    po = root / ES
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    message = catalog.get(msgid, context=context)
    assert message is not None, (context, msgid)
    lines = po.read_text(encoding="utf-8").split("\n")
    start = next(i for i in range(message.lineno - 1, len(lines))
                 if lines[i].startswith("msgstr"))
    end = start + 1
    while end < len(lines) and lines[end].startswith('"'):
        end += 1
    lines[start:end] = [f"msgstr {escape(string)}"]
    po.write_text("\n".join(lines), encoding="utf-8")
    return message.lineno


def add_text(root: Path, block_id: str, text: str) -> None:
    """The leaflet gains a paragraph (before the list of side effects); catalogs updated."""
    edit(root / CONTENT, "      - id: effects\n",
         f"      - id: {block_id}\n        text: {json.dumps(text)}\n      - id: effects\n")
    result = run_cli("i18n", "update", cwd=root)
    assert result.code == 0, result.err


def context_of(block_id: str) -> str:
    return f"{BROCHURE}:sections.after-effects.body.{block_id}.text"


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def render_without_checks(root: Path, variant: str = "screen") -> Path:
    """The Spanish leaflet rendered straight from its catalog, as if the checks had passed:
    the renderer must be safe on its own."""
    site = gather(Project(root), locales=("es",), variants=(variant,))
    (plan,) = plan_documents(site)
    assert plan.job is not None, plan.error
    result = render_pdf(plan.job)
    assert result.error is None, result.error
    pdf = root / f"es-{variant}.pdf"
    pdf.write_bytes(result.pdf)
    return pdf


def link_targets(path: Path) -> list[str]:
    """The URI of every link annotation in a PDF."""
    return [str((annot.get_object().get("/A") or {}).get("/URI"))
            for page in PdfReader(path).pages for annot in page.get("/Annots") or []]


def run_bounded(*args: str, cwd: Path, limit: float = 60) -> tuple[CliResult, float]:
    """``brochures ARGS`` and how long it took; a run over ``limit`` seconds fails the test."""
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "brochures", *args], cwd=cwd,
                              capture_output=True, text=True, timeout=limit, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`brochures {' '.join(args)}` still running after {limit} s")
    return CliResult(done.returncode, done.stdout, done.stderr), time.monotonic() - started


def problems(tmp_path: Path, source: str, translation: str, where: str = "content/x.yaml"
             ) -> list[tuple[str, str]]:
    """(code, message) of every error a one-message catalog gets."""
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: es\\n"\n"Plural-Forms: nplurals=2; '
                  f'plural=(n != 1);\\n"\n\n#: {where}:3\nmsgctxt "x:text"\n'
                  f"msgid {escape(source)}\nmsgstr {escape(translation)}\n", encoding="utf-8")
    return [(d.code, d.message) for d in check_catalog(read_catalog(po, "es"), po)
            if d.is_error]


# --- 1. CSS through the page footer ---------------------------------------------------------

FOOTER_ATTACK = ("Pág. %(page)s/%(pages)s&#xc;}}/*<*/.section-after-effects, .disclaimer, "
                 ".draft-mark {display:none} @page{size:1in 10000in} "
                 ".contact a::after{content:'+44 20 79' '46 09' '99'}/*>*/x{")


def test_the_footer_attack_is_reported_and_cannot_restyle_the_leaflet(project):
    line = translate(project, FOOTER, FOOTER_ATTACK)
    result = run_cli("check", "--locale", "es", "--strict", cwd=project)
    assert result.code == 1
    assert re.search(rf"^{re.escape(ES)}:{line}: Page %\(page\)s of %\(pages\)s: numbers "
                     r"differ: .*added .*44.*\[number\]$", result.err, re.M), result.err

    pdf = render_without_checks(project)  # the renderer alone must neutralise it
    text = pdftotext(pdf)
    assert contains(text, SIDE_EFFECTS) and contains(text, DISCLAIMER)
    assert "7946" not in text  # no phone number made of the three strings
    assert "section-after-effects" in text  # the payload is only words in the footer
    for page in PdfReader(pdf).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            595, 842)


@pytest.mark.parametrize("translation", [
    "Pág. %(page)s\x0c}} body{display:none} x{",
    "Pág. %(page)s\r}} body{display:none} x{",
    "Pág. %(page)s&#13;}} body{display:none} x{",
    'Pág. %(page)s&quot;}} body{display:none} x{content:"',
    "Pág. %(page)s&#39;}} body{display:none} x{content:'",
    "Pág. %(page)s\\\"}} body{display:none} x{",
    "Pág. %(page)s&lt;/style&gt;&lt;p&gt;x",
    "Pág. %(page)s\u2028}} body{display:none} x{",
    "Pág. %(page)s &amp;amp; [[pages]]\\",
    "Pág. <strong>%(page)s</strong> de %(pages)s",
])
def test_the_footer_becomes_css_strings_and_counters_only(translation):
    """tinycss2 (WeasyPrint's own CSS parser) is the oracle: nothing but strings and
    counter() may come out, and the strings say what the reader is meant to read."""
    label = str(sanitize(translation)) % {"page": "[[page]]", "pages": "[[pages]]"}
    css = str(css_counter(label))
    assert "<" not in css and ">" not in css
    tokens = [t for t in tinycss2.parse_component_value_list(css) if t.type != "whitespace"]
    assert all(t.type == "string" or (t.type == "function" and t.name == "counter")
               for t in tokens), css
    shown = "".join(t.value if t.type == "string" else "#" for t in tokens)
    expected = re.sub(r"<[^>]*>", "", label)
    expected = html.unescape(expected).replace("[[page]]", "#").replace("[[pages]]", "#")
    assert shown == " ".join(expected.split())


def test_a_translation_cannot_add_a_style_attribute(project):
    """Translations shown in attributes (alt, aria-label, meta) cannot end the attribute."""
    source = next(m.id for m in read_catalog(project / ES, "es")
                  if isinstance(m.id, str) and m.id.startswith("Diagram of a cross-section"))
    translate(project, source, 'Diagrama &amp; piel" style="display:none" title="')
    result = run_cli("build", "--locale", "es", "--variant", "screen", cwd=project)
    assert result.code == 0, result.err
    pdf = project / f"output/{BROCHURE}/{BROCHURE}-es-screen.pdf"
    assert contains(pdftotext(pdf), "Epidermis (capa externa)")  # the figure is shown


def test_the_page_size_comes_from_the_variant_alone(project):
    edit(project / "templates/css/screen.css", "size: A4 portrait;", "size: 150mm 100mm;")
    result = run_cli("build", "--locale", "es", "--variant", "screen", cwd=project)
    assert result.code == 1
    assert f"{BROCHURE}/es/screen: page 1 is 150 x 100 mm, not the 210 x 297 mm of its " \
           "variant" in result.err, result.err
    assert not (project / f"output/{BROCHURE}/{BROCHURE}-es-screen.pdf").exists()


# --- 2. invisible characters: bidi overrides and the like -----------------------------------

WAIT = "Wait 48 hours, then call 0800 123 4567."


@pytest.mark.parametrize("translation, shown", [
    ("Espere \u202e48\u202c horas y llame al 0800 123 4567.", "U+202E"),
    ("Espere 48 horas y llame al \u202e0800 123 4567\u202c.", "U+202E"),
    ("Espere &#x202e;48&#x202c; horas y llame al 0800 123 4567.", "U+202E"),
    ("Espere \u206748\u2069 horas y llame al 0800 123 4567.", "U+2067"),
    ("Espere 4\u200b8 horas y llame al 0800 123 4567.", "U+200B"),
    ("Espere \u200f48 horas y llame al 0800 123 4567.", "U+200F"),
    ("Espere 48 horas\u2060 y llame al 0800 123 4567.\ufeff", "U+2060"),
    ("Espere 4\u200d8 horas y llame al 0800 123 4567.", "U+200D"),  # a joiner between digits
    ("Espere 48 horas\x1b y llame al 0800 123 4567.", "U+001B"),
])
def test_invisible_characters_are_refused(tmp_path, translation, shown):
    found = problems(tmp_path, WAIT, translation)
    assert [code for code, _ in found] == ["invisible"], found
    assert shown in found[0][1]


@pytest.mark.parametrize("source, translation", [
    ("Keep the cream on.", "کریم کو لگا رہنے دیں اور می\u200cخواهم"),  # ZWNJ inside a word
    ("Keep the cream on.", "क्\u200dष क्रीम लगाए रखें"),  # ZWJ inside an Indic word
    ("Call \u2068%(name)s\u2069 today.", "Llame hoy a \u2068%(name)s\u2069."),  # as the source
    ("Wait 48 hours.", "Espere ４８ horas."),  # full-width digits read as 48
])
def test_joiners_inside_words_and_the_sources_own_controls_are_allowed(
        tmp_path, source, translation):
    assert problems(tmp_path, source, translation) == []


@pytest.mark.parametrize("translation, problem", [
    ("Espere ４９ horas.", "numbers differ: missing 48; added 49"),
    ("Espere 48 horas /*<*/ o 72 /*>*/.", "numbers differ: added 72"),
    ("Espere 48 horas <x title='72'> o 96 </x>.", "numbers differ: added 96"),
])
def test_numbers_are_compared_as_the_reader_sees_them(tmp_path, translation, problem):
    found = problems(tmp_path, "Wait 48 hours.", translation)
    assert [(code, text) for code, text in found if code == "number"] == [("number", problem)]


def test_a_bidi_override_fails_check_and_build(project):
    add_text(project, "wait", WAIT)
    line = translate(project, WAIT, "Espere \u202e48\u202c horas y llame al "
                     "\u202e0800 123 4567\u202c.", context=context_of("wait"))
    result = run_cli("check", "--locale", "es", cwd=project)
    assert result.code == 1
    assert re.search(rf"^{re.escape(ES)}:{line}: {context_of('wait')}: .*U\+202E "
                     r"RIGHT-TO-LEFT OVERRIDE.*\[invisible\]$", result.err, re.M), result.err
    assert "\u202e" not in result.err
    built = run_cli("build", "--locale", "es", "--variant", "screen", cwd=project)
    assert built.code == 1 and "[invisible]" in built.err
    assert not list((project / "output").rglob("*-es-*.pdf"))


# --- 3. links ------------------------------------------------------------------------------

AFTERCARE = 'Read our <a href="https://clinic.example/aftercare">aftercare advice</a>.'
REPOINTED = ('Lea nuestros <a href="https:&#x2f;&#x2f;clinica-segura.example&#x2f;pago'
             '#https://clinic.example/aftercare">consejos</a>.')


@pytest.mark.parametrize("translation, problem", [
    (REPOINTED, "links differ: missing https://clinic.example/aftercare; added "
                "https://clinica-segura.example/pago#https://clinic.example/aftercare"),
    ('Lea nuestros consejos (https://clinic.example/aftercare).',
     "links differ: missing https://clinic.example/aftercare"),
    ('Lea <a href="https://clinic.example/aftercare">esto</a> y '
     '<a href="https://clinic.example/aftercare">esto</a>.',
     "links differ: added https://clinic.example/aftercare"),
    ('Lea <a href="https://clinic.example/aftercare?x=1">esto</a>.',
     "links differ: missing https://clinic.example/aftercare; "
     "added https://clinic.example/aftercare?x=1"),
    ('Lea <a href="https:&#x2f;&#x2f;clinic.example/aftercare">esto</a>.', None),
])
def test_link_targets_are_exactly_the_sources(tmp_path, translation, problem):
    found = [(code, text) for code, text in problems(tmp_path, AFTERCARE, translation)
             if code == "link"]
    assert found == ([("link", problem)] if problem else [])


def test_a_repointed_link_never_reaches_a_pdf(project):
    add_text(project, "aftercare", AFTERCARE)
    line = translate(project, AFTERCARE, REPOINTED, context=context_of("aftercare"))
    result = run_cli("check", "--locale", "es", "--strict", cwd=project)
    assert result.code == 1
    assert f"{ES}:{line}: {context_of('aftercare')}: links differ" in result.err, result.err
    run_cli("build", "--locale", "es", "--variant", "screen", cwd=project)
    for pdf in (project / "output").rglob("*.pdf"):
        assert not any("clinica-segura" in uri for uri in link_targets(pdf)), pdf
    # The same link, written the translator's way, is built and points where the source does.
    translate(project, AFTERCARE, 'Lea nuestros <a href="https:&#x2f;&#x2f;clinic.example'
              '&#x2f;aftercare">consejos</a>.', context=context_of("aftercare"))
    result = run_cli("build", "--locale", "es", "--variant", "screen", cwd=project)
    assert result.code == 0, result.err
    targets = link_targets(project / f"output/{BROCHURE}/{BROCHURE}-es-screen.pdf")
    assert "https://clinic.example/aftercare" in targets
    assert not any("clinica-segura" in uri for uri in targets)


# --- 4. huge translations -----------------------------------------------------------------

def test_a_megabyte_translation_is_a_located_error_in_seconds(project):
    translate(project, "Scarring", "a" * 1_000_000, context=SCARRING)
    # Messages the template does not have cost no more: the catalog's own msgid is as long.
    with (project / ES).open("a", encoding="utf-8") as po:
        for n, payload in enumerate(["b" * 200_000, "<a" * 100_000, "!" * 200_000,
                                     "1-" * 100_000, "%(" * 100_000, "x@" * 100_000]):
            po.write(f'\nmsgctxt "bogus-{n}"\nmsgid "{payload}"\nmsgstr "{payload}"\n')
    line = line_of(project / ES, 'msgid "Scarring"')

    result, took = run_bounded("check", "--locale", "es", cwd=project)
    assert took < 20 and result.code == 1
    assert re.search(rf"^{re.escape(ES)}:{line}: {SCARRING}: the translation has 1000000 "
                     r"characters, the source 8.*\[oversized\]$", result.err, re.M), result.err

    result, took = run_bounded("build", "--locale", "es", "--variant", "screen", cwd=project)
    assert took < 20 and result.code == 1 and "[oversized]" in result.err
    result, took = run_bounded("email", "--to", "patient@example.org", "--locale", "es",
                               cwd=project)
    assert took < 20 and result.code == 1 and "[oversized]" in result.err
    assert not list((project / "output").rglob("*.eml"))

    result, took = run_bounded("i18n", "update", "es", cwd=project)
    assert took < 20 and result.code == 0, result.err
    assert "a" * 1_000_000 in (project / ES).read_text(encoding="utf-8")  # nothing lost


# --- 5. the terminal ----------------------------------------------------------------------

def test_control_characters_never_reach_the_terminal(project):
    with (project / ES).open("a", encoding="utf-8") as po:
        # Click drops CSI sequences (ESC [) when not writing to a terminal, not the others.
        po.write('\nmsgctxt "x\x1b[2J\x1b]0;pwned\x07\\r0 error(s), 0 warning(s)\\nok\u009b1A'
                 '\u202e"\n'
                 'msgid "Wait %(n)s days \x1b]0;pwned\x07"\nmsgstr "Espere %(m)s días"\n')
    for args in (("check", "--locale", "es"),
                 ("build", "--locale", "es", "--variant", "screen")):
        result = run_cli(*args, cwd=project)
        assert result.code == 1
        shown = result.out + result.err
        for control in ("\x1b", "\r", "\x07", "\u009b", "\u202e"):
            assert control not in shown, (args, control)
        assert "\\u001b]0;pwned\\u0007" in shown  # escaped: the reader sees what was there
        assert not any(line.startswith(("ok", "0 error")) for line in shown.splitlines())
    assert result.out.count("\n") == 1  # only the summary line
