"""Translation checks: each bad catalog gives its exact diagnostic and stops its own language."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from brochures.catalogs import read_catalog
from brochures.checks import check_catalog, check_contacts, check_numbers
from brochures.project import Project

from conftest import edit, line_of, run_cli

ES = "locales/es/LC_MESSAGES/messages.po"
CONTENT = "content/laser-skin-tightening.yaml"
CALL_US = "Call +44 1632 960000 if the redness lasts more than 3 days."
CALL_US_CONTEXT = "laser-skin-tightening:sections.after-effects.body.call-us.text"
SCREEN = ("--variant", "screen")  # one variant is enough to show what a catalog does


def diagnostics(stderr: str) -> list[str]:
    """The diagnostics a command printed: each a located line with its hint indented below."""
    blocks: list[str] = []
    for line in stderr.splitlines():
        if line.startswith("    ") and blocks:
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return blocks


def update_catalogs(root: Path) -> None:
    result = run_cli("i18n", "update", cwd=root)
    assert result.code == 0, result.err


def with_phone_number(root: Path) -> None:
    """The leaflet gains a sentence with the clinic's phone number, catalogs updated."""
    edit(root / CONTENT, "      - id: effects\n",
         f"      - id: call-us\n        text: {CALL_US}\n      - id: effects\n")
    update_catalogs(root)


def with_plural(root: Path) -> None:
    """The template gains a message with plural forms, catalogs updated."""
    edit(root / "templates/leaflet.html", "</body>",
         "<p>{{ ngettext('%(num)d page', '%(num)d pages', 4) }}</p>\n</body>")
    update_catalogs(root)


# Bad catalogs, each named for what is wrong: it breaks the Spanish catalog of the project
# in ``root`` and returns the diagnostics `brochures check` must print for it, in file order.

def wrong_placeholder(root: Path) -> list[str]:
    po = root / ES
    edit(po, 'msgstr "Página %(page)s de %(pages)s"', 'msgstr "Página %(pagina)s de %(pages)s"')
    line = line_of(po, 'msgid "Page %(page)s of %(pages)s"')
    return [f"{ES}:{line}: Page %(page)s of %(pages)s: placeholders differ: missing %(page)s; "
            "added %(pagina)s [placeholder]\n    Copy each %(name)s exactly as in the source."]


def lone_percent_sign(root: Path) -> list[str]:
    po = root / ES
    edit(po, 'msgstr "Correo electrónico"', 'msgstr "Correo electrónico %"')  # a slip
    line = line_of(po, 'msgid "Email"')
    return [f"{ES}:{line}: Email: a lone '%' breaks this message's "
            "placeholders [placeholder]\n    Write '%%' for a percent sign in this message."]


def added_link(root: Path) -> list[str]:
    po = root / ES
    edit(po, 'msgstr "1. Tratamiento con láser ablativo"',
         'msgstr "1. Tratamiento con <a href=\\"https://laser.example/oferta\\">láser</a> '
         'ablativo"')
    context = "laser-skin-tightening:sections.procedures.subsections.ablative.heading"
    line = line_of(po, 'msgid "1. Ablative laser treatment"')
    where = f"{ES}:{line}: {context}"
    return [f"{where}: inline tags differ: added </a>, <a href> [markup]\n"
            "    Use only the source's tags (<strong>, <em>, <br>, <a href>).",
            f"{where}: links differ: added https://laser.example/oferta [link]\n"
            '    Keep each <a href="..."> of the source with exactly its address, and add '
            "none."]


def markup_outside_the_allowlist(root: Path) -> list[str]:
    po = root / ES
    edit(po, 'msgstr "Cicatrices"', 'msgstr "<img src=x onerror=alert(1)>Cicatrices"')
    context = "laser-skin-tightening:sections.after-effects.body.effects.items.scarring.text"
    line = line_of(po, 'msgid "Scarring"')
    return [f"{ES}:{line}: {context}: markup not allowed in leaflets: <img onerror src> "
            "[markup]\n    Use only the source's tags (<strong>, <em>, <br>, <a href>)."]


def changed_number(root: Path) -> list[str]:
    po = root / ES
    edit(po, 'msgstr "2. Tratamiento con láser no ablativo"',
         'msgstr "3. Tratamiento con láser no ablativo"')
    context = "laser-skin-tightening:sections.procedures.subsections.non-ablative.heading"
    line = line_of(po, 'msgid "2. Non-ablative laser treatment"')
    return [f"{ES}:{line}: {context}: numbers differ: missing 2; added 3 [number]\n"
            "    Keep every number, dose and date of the source."]


def changed_phone_number(root: Path) -> list[str]:
    with_phone_number(root)
    po = root / ES
    edit(po, f'msgid "{CALL_US}"\nmsgstr ""',
         f'msgid "{CALL_US}"\nmsgstr "Llame al +44 1632 960001 si el enrojecimiento dura más '
         'de 3 días."')
    line = line_of(po, f'msgid "{CALL_US}"')
    return [f"{ES}:{line}: {CALL_US_CONTEXT}: the phone number '+44 1632 960000' must appear "
            "unchanged [contact]\n    Copy URLs, email addresses and phone numbers unchanged."]


def wrong_plural_count(root: Path) -> list[str]:
    with_plural(root)
    po = root / ES
    edit(po, 'msgid_plural "%(num)d pages"\nmsgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""',
         'msgid_plural "%(num)d pages"\nmsgstr[0] "%(num)d página"\n'
         'msgstr[1] "%(num)d páginas"')
    line = line_of(po, 'msgid "%(num)d page"')
    return [f"{ES}:{line}: %(num)d page: 2 plural form(s) given, the Plural-Forms header says 3 "
            "[plural-count]\n    Give one msgstr[n] for each plural form, msgstr[0] to "
            "msgstr[2]."]


def fuzzy_header(root: Path) -> list[str]:
    po = root / ES
    edit(po, 'msgid ""\nmsgstr ""\n"Project-Id-Version',
         '#, fuzzy\nmsgid ""\nmsgstr ""\n"Project-Id-Version')
    return [f"{ES}:4: header: the catalog header is marked fuzzy; gettext tools skip such "
            "catalogs [fuzzy-header]\n"
            "    Remove '#, fuzzy' above the first msgid \"\" once the header is right."]


def invalid_plural_forms(root: Path) -> list[str]:
    po = root / ES
    edit(po, '"Plural-Forms: nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0"\n'
             '" ? 1 : 2);\\n"', '"Plural-Forms: nplurals=2; plural=(n == 1 ? 0 :);\\n"')
    return [f"{ES}:12: Plural-Forms: the plural= expression is invalid (unexpected token in "
            "plural form: )) [plural-forms]\n"
            "    Fix the plural= part, or let your .po editor set it."]


def missing_plural_forms(root: Path) -> list[str]:
    po = root / ES
    edit(po, '"Plural-Forms: nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0"\n'
             '" ? 1 : 2);\\n"\n', "")
    return [f"{ES}:3: Plural-Forms: missing from the catalog header [plural-forms]\n"
            "    Let your .po editor set it from the language, or copy it from a catalog made "
            "by `brochures i18n init CODE`."]


def identical_to_source(root: Path) -> list[str]:
    po = root / ES
    edit(po, 'msgstr "Una guía para pacientes elaborada por su clínica dermatológica."',
         'msgstr "A guide for patients from your skin specialist clinic."')
    line = line_of(po, 'msgid "A guide for patients from your skin specialist clinic."')
    return [f"{ES}:{line}: laser-skin-tightening:summary: warning: translation is identical to "
            "the English source [identical]\n"
            "    Translate it, or keep it if the text is the same in your language."]


def far_too_long(root: Path) -> list[str]:
    po = root / ES
    edit(po, 'msgstr "Cicatrices"', 'msgstr "Cicatrices que pueden quedar en la piel tratada"')
    context = "laser-skin-tightening:sections.after-effects.body.effects.items.scarring.text"
    line = line_of(po, 'msgid "Scarring"')
    return [f"{ES}:{line}: {context}: warning: translation is 5.9x the source's length; it may "
            "not fit the layout [too-long]\n    Shorten it if the leaflet overflows."]


def unescaped_quote(root: Path) -> list[str]:
    po = root / ES
    edit(po, 'msgstr "Cicatrices"', 'msgstr "Cicatrices "queloides""')
    line = line_of(po, 'msgstr "Cicatrices "queloides""')
    return [f"{ES}:{line}: this line is not valid .po syntax; it would be read wrongly "
            "[po-file]\n    Put the text in double quotes, writing \\\" for a quote inside it; or "
            "open the file in a .po editor."]


def misspelt_keyword(root: Path) -> list[str]:
    po = root / ES
    edit(po, 'msgstr "Cicatrices"', 'msgtsr "Cicatrices"')
    line = line_of(po, 'msgtsr "Cicatrices"')
    return [f"{ES}:{line}: invalid .po file: Unknown or misformatted keyword: "
            "'msgtsr \"Cicatrices\"' [po-file]\n"
            "    Open it in a .po editor (Poedit) or fix the quoted line."]


ERRORS: list[Callable[[Path], list[str]]] = [
    wrong_placeholder, lone_percent_sign, added_link, markup_outside_the_allowlist,
    changed_number, changed_phone_number, wrong_plural_count, fuzzy_header,
    invalid_plural_forms, missing_plural_forms, unescaped_quote, misspelt_keyword]
WARNINGS: list[Callable[[Path], list[str]]] = [identical_to_source, far_too_long]


def es_diagnostics(stderr: str) -> list[str]:
    return [d for d in diagnostics(stderr) if d.startswith(ES)]


def published(output: Path) -> list[str]:
    """The locales of the manifest's documents, each file checked against its record."""
    documents = json.loads((output / "manifest.json").read_text(encoding="utf-8"))["documents"]
    for doc in documents:
        assert (output / doc["path"]).stat().st_size == doc["bytes"], doc["path"]
    return sorted(doc["locale"] for doc in documents)


@pytest.mark.parametrize("bad", ERRORS, ids=lambda bad: bad.__name__)
def test_a_bad_catalog_gets_its_diagnostic_and_fails_its_own_language_only(project, bad):
    expected = bad(project)
    checked = run_cli("check", cwd=project)
    assert checked.code == 1, checked.err
    assert es_diagnostics(checked.err) == expected
    result = run_cli("build", *SCREEN, "--locale", "es", "--locale", "de", cwd=project)
    assert result.code == 1, result.err
    assert (f"error: es: {len(expected)} error(s) in its catalog; its leaflets were not built\n"
            + "\n".join(expected) + "\n") in result.err
    assert "Traceback" not in checked.err + result.err
    assert "1 built, 0 up to date, 1 failed" in result.out
    assert published(project / "output") == ["de"]
    assert not list((project / "output").rglob("*-es-*"))


@pytest.mark.parametrize("bad", WARNINGS, ids=lambda bad: bad.__name__)
def test_a_warning_is_printed_and_the_leaflet_built(project, bad):
    expected = bad(project)
    checked = run_cli("check", cwd=project)
    assert checked.code == 0, checked.err
    assert es_diagnostics(checked.err) == expected
    result = run_cli("build", *SCREEN, "--locale", "es", cwd=project)
    assert result.code == 0, result.err
    assert es_diagnostics(result.err) == expected
    assert published(project / "output") == ["es"]


def test_every_other_language_is_built_and_published(project):
    added_link(project)
    result = run_cli("build", *SCREEN, "--jobs", "2", cwd=project)
    assert result.code == 1, result.err
    assert result.err.count("error: ") == 1
    others = [code for code in Project(project).catalog_locales() if code != "es"]
    assert len(others) == 10
    assert published(project / "output") == sorted(others)


def test_a_clean_project_checks_with_warnings_only(project):
    result = run_cli("check", cwd=project)
    assert result.code == 0, result.err
    assert result.out == "0 error(s), 3 warning(s)\n"
    assert run_cli("check", "--strict", cwd=project).code == 1  # warnings count under --strict
    assert run_cli("check", "--no-such-option", cwd=project).code == 2


def test_check_can_look_at_one_language(project):
    expected = changed_number(project)
    result = run_cli("check", "--locale", "es", cwd=project)
    assert result.code == 1
    assert diagnostics(result.err) == expected  # nothing of the other languages
    assert result.out == "1 error(s), 0 warning(s)\n"
    assert run_cli("check", "--locale", "ar", cwd=project).out == "0 error(s), 2 warning(s)\n"


# The checks themselves, on the forms of writing a translation may rightly change.

@pytest.mark.parametrize("source, translation", [
    ("Apply 0.5 ml twice a day.", "Aplique 0,5 ml dos veces al día."),
    ("Over 1,000 patients a year.", "Más de 1.000 pacientes al año."),
    ("Over 1,000 patients a year.", "Plus de 1 000 patients par an."),
    ("Wait 12 hours.", "انتظر ١٢ ساعة."),
    ("Ages 18 to 65.", "年龄65岁至18岁。"),
])
def test_numbers_may_change_their_separators_digits_and_order(source, translation):
    assert check_numbers(source, translation) is None


@pytest.mark.parametrize("source, translation, problem", [
    ("Apply 0.5 ml.", "Aplique 5 ml.", "numbers differ: missing 0.5; added 5"),
    ("Apply 2.5 ml.", "Aplique 25 ml.", "numbers differ: missing 2.5; added 25"),
    ("Wait 12 hours, twice.", "Espere 12 horas.", None),
    ("2 or 3 sessions", "2 o 2 sesiones", "numbers differ: missing 3; added 2"),
    ("Take 1 tablet, then 1 more.", "Tome 1 comprimido.", "numbers differ: missing 1"),
])
def test_a_changed_dose_is_an_error(source, translation, problem):
    assert check_numbers(source, translation) == problem


@pytest.mark.parametrize("source, translation, problem", [
    (CALL_US, "Llame al +44 1632 960000 si dura más de 3 días.", None),
    (CALL_US, "اتصل على +٤٤ ١٦٣٢ ٩٦٠٠٠٠ إذا استمر الاحمرار أكثر من 3 أيام.", None),
    (CALL_US, "Llame al 01632 960000.",
     "the phone number '+44 1632 960000' must appear unchanged"),
    ("Published 2022-10-30.", "Publicado el 30/10/2022.", None),
    ("Mail info@clinic.example", "Escriba a info@clinica.example",
     "the email address 'info@clinic.example' must appear unchanged"),
])
def test_contacts_must_stay_unchanged(source, translation, problem):
    assert check_contacts(source, translation) == problem


def test_a_percent_sign_is_plain_text_in_content(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Plural-Forms: nplurals=2; '
                  'plural=(n > 1);\\n"\n\n#: content/x.yaml:3\nmsgctxt "x:text"\n'
                  'msgid "Works for 90% of patients."\nmsgstr "Efficace chez 90 % des '
                  'patients."\n', encoding="utf-8")
    assert check_catalog(read_catalog(po, "fr"), po) == []


@pytest.mark.parametrize("forms, expected", [
    (["%(num)d page", "%(num)d pages", "%(num)d pages"], "3 plural form(s) given"),
    (["%(num)d page"], "1 plural form(s) given"),
    (["%(num)d page", "%(num)d pages"], None),
])
def test_plural_forms_are_counted_as_written(tmp_path, forms, expected):
    po = tmp_path / "messages.po"
    strings = "".join(f'msgstr[{i}] "{form}"\n' for i, form in enumerate(forms))
    po.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Plural-Forms: nplurals=2; '
                  'plural=(n > 1);\\n"\n\n#: templates/x.html:3\nmsgid "%(num)d page"\n'
                  f'msgid_plural "%(num)d pages"\n{strings}', encoding="utf-8")
    found = [d.message for d in check_catalog(read_catalog(po, "fr"), po)]
    assert found == ([f"{expected}, the Plural-Forms header says 2"] if expected else [])


def test_a_catalog_saved_with_a_byte_order_mark_reads_as_usual(project):
    po = project / ES
    po.write_bytes(b"\xef\xbb\xbf" + po.read_bytes())
    result = run_cli("check", "--locale", "es", cwd=project)
    assert (result.code, result.out) == (0, "0 error(s), 0 warning(s)\n"), result.err
