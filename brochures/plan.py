"""Gather and check everything, then plan each document (brochure x locale x variant)."""

from __future__ import annotations

import base64
import difflib
import html as htmllib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brochures import __version__
from brochures.catalogs import Translator, read_catalog, translator_for
from brochures.content import CLINIC_FILE, Brochure, Clinic, load_brochure, load_clinic
from brochures.deps import FONTS_FILE, Digests, dependencies, document_inputs
from brochures.engine import ENGINE_MARK, RenderJob
from brochures.errors import BrochuresError, Diagnostic, Location, as_diagnostic, raise_if_errors
from brochures.fonts import FontConfig, FontFace, load_font_config, resolve, uncovered
from brochures.locales import LocaleInfo, locale_info
from brochures.project import SOURCE_LOCALE, Project
from brochures.render import Renderer
from brochures.review import SIGN_AGAIN, Review, ReviewBook
from brochures.variants import DEFAULT_VARIANTS, Variant, get_variant
from brochures.yamlfile import read_source


@dataclass(frozen=True)
class Site:
    """Everything a build reads, loaded and validated before anything is written."""

    project: Project
    clinic: Clinic
    brochures: dict[str, Brochure]
    locales: tuple[str, ...]
    variants: tuple[Variant, ...]
    fonts: FontConfig
    translators: dict[str, Translator] = field(default_factory=dict)
    # catalogs that failed to parse: their locale is not built, the others are
    unreadable: dict[str, Diagnostic] = field(default_factory=dict)
    # review state of each translation, from the clinic's signed record only
    reviews: dict[str, Review] = field(default_factory=dict)
    # digests of the very bytes parsed above, and of the templates before Jinja reads them
    digests: Digests = field(default_factory=Digests)


@dataclass(frozen=True)
class DocumentPlan:
    """One document to build: where it goes, what it is built from, and how to render it."""

    brochure: str
    locale: str
    variant: str
    path: str
    inputs: str
    built_from: dict[str, Any]
    draft: bool = False
    job: RenderJob | None = None
    error: str | None = None
    fonts: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.brochure, self.locale, self.variant)


def gather(project: Project, brochure_ids: tuple[str, ...] = (), locales: tuple[str, ...] = (),
           variants: tuple[str, ...] = ()) -> Site:
    """Load and validate content, clinic, catalogs and fonts; every problem is reported."""
    diagnostics: list[Diagnostic] = []
    digests = Digests()  # every file parsed here is read once, and digested from those bytes
    clinic_path = project.content / CLINIC_FILE
    clinic, found = load_clinic(clinic_path, digests.add(clinic_path, read_source(clinic_path)))
    diagnostics += found
    available = project.brochure_paths()
    if not available:
        raise BrochuresError("no brochures found", Location.of(project.content),
                             "Add a content file such as content/my-leaflet.yaml.")
    for wanted in brochure_ids:
        if wanted not in available:
            close = difflib.get_close_matches(wanted, list(available), n=1)
            hint = f"Did you mean '{close[0]}'?" if close else "Known: " + ", ".join(available)
            raise BrochuresError(f"unknown brochure {wanted!r}", Location.of(project.content),
                                 hint)
    brochures = {}
    for brochure_id in brochure_ids or tuple(available):
        path = available[brochure_id]
        brochure, found = load_brochure(path, digests.add(path, read_source(path)))
        diagnostics += found
        if brochure:
            brochures[brochure_id] = brochure
    raise_if_errors(diagnostics, "content")
    known = project.catalog_locales()
    for code in locales:
        locale_info(code)  # an unknown locale is an error before anything else
        if code not in known:
            raise BrochuresError(f"no catalog for locale {code!r}", Location.of(project.locales),
                                 f"Create one with `brochures i18n init {code}`; catalogs "
                                 "exist for: " + ", ".join(known) + ".")
    codes = tuple(locales or known)
    for code in codes:
        locale_info(code)
    translators, unreadable = {}, {}
    for code in codes:  # a broken catalog stops its own language only
        try:
            translators[code] = _translator(project, code, digests)
        except BrochuresError as exc:
            unreadable[code] = as_diagnostic(exc, "po-file")
    book = ReviewBook(project)
    # verified against the very bytes parsed above, not the file as it may be now
    reviews = {code: book.review(project.po_path(code), digests.file(project.po_path(code)))
               for code in codes if code != SOURCE_LOCALE}
    chosen = tuple(get_variant(name) for name in (variants or DEFAULT_VARIANTS))
    assert clinic is not None
    fonts_path = project.templates / FONTS_FILE
    fonts = load_font_config(project.templates, digests.add(fonts_path, read_source(fonts_path)))
    for variant in chosen:  # templates are digested before Jinja first reads them
        for path in dependencies(project, next(iter(available.values())), SOURCE_LOCALE,
                                 variant):
            digests.file(path)
    return Site(project, clinic, brochures, codes, chosen, fonts, translators, unreadable,
                reviews, digests)


def _translator(project: Project, code: str, digests: Digests) -> Translator:
    """The locale's translator, from catalog bytes read once and digested."""
    path = project.po_path(code)
    try:
        data = digests.add(path, path.read_bytes())
    except OSError:  # the source locale needs no catalog; otherwise the error names the file
        return translator_for(project, code)
    return Translator(code, read_catalog(path, code, data))


def _body_text(html: str) -> str:
    body = html[html.find("<body"):]
    return htmllib.unescape(re.sub(r"<[^>]*>", " ", body))


def coverage_error(text: str, info: LocaleInfo, site: Site, families: tuple[str, ...],
                   faces: tuple[FontFace, ...]) -> str | None:
    """Why the fonts cannot show ``text`` in this locale, naming the message; None if they can."""
    missing = uncovered(text, faces)
    if not missing:
        return None
    char = missing[0]
    where, what = Location.of(site.project.po_path(info.code)), "the leaflet's text"
    catalog = site.translators[info.code].catalog
    for message in catalog or ():
        strings = message.string if isinstance(message.string, (list, tuple)) else (
            message.string,)
        if message.id and any(char in (s or "") for s in strings):
            where = Location.of(site.project.po_path(info.code), message.lineno)
            what = f"msgctxt {message.context!r}" if message.context else f"{message.id!r}"
            break
    others = ", ".join(f"U+{ord(c):04X}" for c in missing[1:6])
    also = f" (also {others})" if others else ""
    return (f"{where}: {info.code}: character U+{ord(char):04X} {char!r} in {what} is not "
            f"covered by any configured font ({', '.join(families)}){also}"
            f"\n    Fix the translation, or add a font for this script in "
            f"{Location.of(site.fonts.path)}.")


def locale_blocks(site: Site, diagnostics: dict[str, list[Diagnostic]], strict: bool
                  ) -> dict[str, str]:
    """Why a locale's documents cannot be built at all (failing checks, --strict review)."""
    blocked = {}
    for code in site.locales:
        errors = [d for d in diagnostics.get(code, []) if d.is_error]
        if errors:
            blocked[code] = (f"{code}: {len(errors)} error(s) in its catalog; "
                             "its leaflets were not built\n" + "\n".join(map(str, errors)))
        elif strict and code != SOURCE_LOCALE:
            review = site.reviews[code]
            if review.state != "reviewed":
                hint = (f"\n    {review.problem}" if review.problem else
                        f"\n    Complete the translation, have it reviewed, then run "
                        f"`brochures i18n signoff {code} --by NAME`.")
                if review.state == "stale":
                    hint = ("\n    It changed after the sign-off. "
                            + SIGN_AGAIN.replace("CODE", code))
                blocked[code] = (
                    f"{Location.of(site.project.po_path(code))}: {code}: translation is "
                    f"{review.state}; --strict builds only translations with a current "
                    f"review sign-off{hint}")
    return blocked


def output_intent_css(icc: Path, digests: Digests | None = None) -> str:
    """A CSS rule making ``icc`` (a CMYK ICC profile) the PDF/X output intent."""
    try:
        data = icc.read_bytes()
        if digests is not None:
            digests.add(icc, data)
    except OSError as exc:
        raise BrochuresError(f"cannot read the ICC profile: {exc.strerror}",
                             Location.of(icc)) from None
    if len(data) < 128 or data[36:40] != b"acsp":
        raise BrochuresError("not an ICC colour profile", Location.of(icc),
                             "Give the CMYK output profile your print shop asked for "
                             "(e.g. a FOGRA or GRACoL .icc file).")
    if data[16:20] != b"CMYK":
        space = data[16:20].decode(errors="replace")
        raise BrochuresError(f"the profile's colour space is {space!r}, not CMYK",
                             Location.of(icc),
                             "PDF/X-4 needs the CMYK output profile of the printing condition.")
    encoded = base64.b64encode(data).decode()
    return ("@color-profile device-cmyk { src: url(data:application/vnd.iccprofile;base64,"
            f"{encoded}); components: cyan magenta yellow black; }}")


def plan_documents(site: Site, strict: bool = False, blocked: dict[str, str] | None = None,
                   icc: Path | None = None) -> list[DocumentPlan]:
    """Render the HTML of every document and decide what each is built from."""
    blocked = dict(blocked or {})
    project = site.project
    digests = site.digests
    icc_css = output_intent_css(icc, digests) if icc else ""
    renderer = Renderer(str(project.templates), site.fonts)
    plans = []
    for brochure in site.brochures.values():
        for code in site.locales:
            if code in site.unreadable and code not in blocked:
                blocked[code] = f"{code}: {site.unreadable[code]}"
            if code in blocked:
                plans += [DocumentPlan(brochure.id, code, variant.name,
                                       f"{brochure.id}/{brochure.id}-{code}-{variant.name}.pdf",
                                       "", {}, error=blocked[code]) for variant in site.variants]
                continue
            info = locale_info(code)
            translator = site.translators[code]
            review = site.reviews.get(code, Review("not reviewed"))
            reviewed_on = review.date if review.state == "reviewed" else None
            reviewed = info.format_date(reviewed_on) if reviewed_on else None
            for variant in site.variants:
                path = f"{brochure.id}/{brochure.id}-{code}-{variant.name}.pdf"
                page = renderer.render(brochure, site.clinic, info, variant, translator,
                                       reviewed)
                html, pdf_options = page.html, dict(variant.pdf_options)
                if variant.print_boxes and icc_css:
                    html = html.replace(ENGINE_MARK, icc_css + "\n" + ENGINE_MARK, 1)
                    pdf_options["pdf_variant"] = "pdf/x-4"
                families = site.fonts.families(info, variant.text_layer)
                try:
                    faces = resolve(families, Location.of(site.fonts.path))
                    error = coverage_error(_body_text(page.html), info, site, families, faces)
                except BrochuresError as exc:
                    faces, error = (), exc.format_message()
                if strict and page.draft and error is None:
                    error = (f"{Location.of(project.po_path(code))}: {code}: translation "
                             f"incomplete ({len(page.missing)} message(s) missing); "
                             "--strict builds only complete translations")
                built_from = {
                    "content": str(brochure.path.relative_to(project.root)),
                    "catalog": (str(project.po_path(code).relative_to(project.root))
                                if code != SOURCE_LOCALE else None),
                    "tool": __version__,
                    "variant": variant.name,
                    "reviewed": reviewed_on.isoformat() if reviewed_on else None,
                    "reviewed_by": review.by if reviewed_on else None,
                }
                fonts = [face.ref for face in faces]
                inputs = document_inputs(project, digests, brochure.path, code, variant, fonts,
                                         icc)
                job = None if error else RenderJob(
                    f"{brochure.id}/{code}/{variant.name}", html,
                    project.templates.as_uri() + "/",
                    (project.templates, project.content),
                    tuple(sorted(pdf_options.items())),
                    variant.cost * (3 if info.script in ("Hans", "Hant", "Jpan", "Kore") else 1),
                    variant.layout,
                    tuple(variant.copyfit.sizes()) if variant.copyfit else (),
                    variant.print_boxes, info.rtl, page_size=variant.page_size)
                plans.append(DocumentPlan(brochure.id, code, variant.name, path, inputs,
                                          built_from, page.draft, job, error, tuple(fonts)))
    return plans
