"""Hostile templates, content and catalogs: no local file or URL is read, no script survives."""

from __future__ import annotations

import base64
import http.server
import io
import re
import struct
import threading
import zlib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader

from brochures.engine import RenderJob, render_pdf
from brochures.plan import gather, plan_documents
from brochures.project import Project

from conftest import run_cli
from pdfread import contains, leaks, pdf_blobs, pdf_text

PASSWD = Path("/etc/passwd").read_bytes().splitlines()[0]
SECRET = b"TOP-SECRET-7f3a9c leaflet jail marker"
BROCHURE = "laser-skin-tightening"


@pytest.fixture
def secrets(project: Path) -> Path:
    """Files next to the project (outside it), reachable as ../../ from templates/."""
    outside = project.parent
    for name in ("secret.css", "secret.png", "secret.svg"):
        (outside / name).write_bytes(SECRET)
    return outside


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def inject(project: Path, by_locale: dict[str, str]) -> None:
    """Put ``by_locale[code]`` at the top of the body of that locale's leaflet."""
    branches = "".join(f"{{% {'if' if i == 0 else 'elif'} locale.code == '{code}' %}}{html}"
                       for i, (code, html) in enumerate(by_locale.items()))
    path = project / "templates/leaflet.html"
    text = path.read_text(encoding="utf-8")
    text, count = re.subn(r"(<body[^>]*>)", lambda m: m[1] + branches + "{% endif %}", text,
                          count=1)
    assert count == 1
    path.write_text(text, encoding="utf-8")


def pdfs(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.pdf"))


def set_translation(project: Path, code: str, context: str, string: str,
                    msgid: str | None = None) -> None:
    """Replace one message of a catalog (and its msgid when the source text changed)."""
    path = project / f"locales/{code}/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    old = next(m for m in catalog if m.context == context)
    if msgid is not None:
        catalog.delete(old.id, context=context)
        catalog.add(msgid, string, context=context)
    else:
        old.string = string
        old.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=76)


def link_targets(path: Path) -> list[str]:
    """Every link annotation's target (URI, file, launch or script action) in a PDF."""
    found = []
    for page in PdfReader(path).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            found.append(str(action.get("/URI") or action.get("/F") or action.get("/JS")
                             or action.get("/S")))
    return found


# --- templates -----------------------------------------------------------------------------

TEMPLATE_ATTACKS = {  # locale -> (HTML put in its template, the URL the error must name)
    "en": ('<img src="file:///etc/passwd">', "file:///etc/passwd"),
    "de": ('<img src="../../secret.png">', "secret.png"),
    "es": ('<link rel="stylesheet" href="file:///etc/passwd">', "file:///etc/passwd"),
    "fr": ('<link rel="stylesheet" href="../../secret.css">', "secret.css"),
    "pl": ('<style>@import url("file:///etc/passwd");</style>', "file:///etc/passwd"),
    "pt": ('<style>@import "../../secret.css";</style>', "secret.css"),
    "ro": ('<style>body { background: url(../../secret.png) }</style>', "secret.png"),
    "ar": ('<svg width="10" height="10"><image href="file:///etc/passwd" width="10" '
           'height="10"/></svg>', "file:///etc/passwd"),
    "ur": ('<img src="images/hostile.svg">', "secret.png"),
    "pa": ('<link rel="attachment" href="file:///etc/passwd">', "file:///etc/passwd"),
    "zh_Hans": ('<a rel="attachment" href="../../secret.css">notes</a>', "secret.css"),
}
HOSTILE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
               '<image href="../../../secret.png" width="20" height="20"/></svg>')


def test_templates_cannot_read_files_outside_the_project(project, secrets):
    (project / "templates/images").mkdir(exist_ok=True)
    (project / "templates/images/hostile.svg").write_text(HOSTILE_SVG, encoding="utf-8")
    inject(project, {code: html for code, (html, _) in TEMPLATE_ATTACKS.items()})
    result = run_cli("build", "--variant", "screen", "--jobs", "2", cwd=project)
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    for code, (_, url) in TEMPLATE_ATTACKS.items():
        assert re.search(rf"{BROCHURE}/{code}/screen: refused to load \S*{re.escape(url)}: "
                         r"the file is outside the project", result.err), (code, result.err)
    assert "0 built" in result.out
    assert pdfs(project / "output") == []
    for path in (project / "output").rglob("*"):
        assert path.is_dir() or (SECRET not in path.read_bytes()
                                 and PASSWD not in path.read_bytes())


def test_symlinks_and_non_asset_files_are_refused(project, secrets):
    (project / "templates/css/linked.css").symlink_to("/etc/passwd")
    inject(project, {"en": '<link rel="stylesheet" href="css/linked.css">',
                     "es": '<link rel="attachment" href="../content/clinic.yaml">',
                     "de": '<img src="file://localhost/etc/passwd">'})
    result = run_cli("build", "--variant", "screen", "--locale", "en", "--locale", "es",
                     "--locale", "de", "--locale", "fr", cwd=project)
    assert result.code == 1
    assert re.search(rf"{BROCHURE}/en/screen: refused to load \S+/templates/css/linked.css: "
                     r"the file is outside the project's templates and content \(it leads to "
                     r"/etc/passwd\)", result.err), result.err
    assert re.search(rf"{BROCHURE}/es/screen: refused to load \S*/content/clinic.yaml: "
                     "only CSS, fonts and PNG, JPEG or SVG images may be used", result.err)
    assert f"{BROCHURE}/de/screen: refused to load file://localhost/etc/passwd" in result.err
    assert [p.name for p in pdfs(project / "output")] == [f"{BROCHURE}-fr-screen.pdf"]


# --- content and catalogs -----------------------------------------------------------------

HOSTILE_TEXT = (
    'A guide <img src="file:///etc/passwd"> <img src="../../secret.png"> '
    '<link rel="stylesheet" href="file:///etc/passwd"> '
    '<style>@import url("file:///etc/passwd");</style> '
    '<span style="background: url(../../secret.png)">styled</span> '
    '<svg><image href="file:///etc/passwd"/></svg> '
    '<link rel="attachment" href="file:///etc/passwd"> '
    '<a rel="attachment" href="../../secret.css">attached</a> '
    '<a href="file:///etc/passwd">local</a> '
    '<script>alert("script")</script> <strong onclick="steal()">bold</strong> '
    '<a href="javascript:alert(1)">scripted</a> <a href=" JaVaScRiPt:alert(2)">spaced</a>'
)


def assert_harmless(path: Path) -> None:
    """Nothing of the files, no script, no attachment, no local or script link in a PDF."""
    assert not leaks(path, PASSWD) and not leaks(path, SECRET)
    blobs = b"\n".join(pdf_blobs(path)).lower()
    for forbidden in (b"javascript", b"/embeddedfile", b"/launch", b"/js ", b"alert(",
                      b"file:", b"secret"):
        assert forbidden not in blobs, forbidden
    assert all(target.startswith(("https:", "tel:", "mailto:"))
               for target in link_targets(path)), link_targets(path)
    text = pdf_text(path)
    assert "alert" not in text and "<" not in text


def test_hostile_markup_in_content_is_stripped(project, secrets):
    edit(project / f"content/{BROCHURE}.yaml",
         "summary: A guide for patients from your skin specialist clinic.",
         "summary: '" + HOSTILE_TEXT.replace("'", "''") + "'")
    result = run_cli("build", "--variant", "screen", "--locale", "en", cwd=project)
    assert result.code == 0, result.err
    pdf = project / f"output/{BROCHURE}/{BROCHURE}-en-screen.pdf"
    assert_harmless(pdf)
    for kept in ("A guide", "styled", "attached", "local", "bold", "scripted", "spaced"):
        assert contains(pdf_text(pdf), kept), kept


def test_hostile_markup_in_a_catalog_is_refused_by_checks_and_stripped_by_the_renderer(
        project, secrets):
    set_translation(project, "es", f"{BROCHURE}:summary", HOSTILE_TEXT)
    result = run_cli("build", "--variant", "screen", "--locale", "es", cwd=project)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert re.search(r"locales/es/LC_MESSAGES/messages.po:\d+: .*summary: markup not allowed "
                     r"in leaflets: .*<script>", result.err), result.err
    assert pdfs(project / "output") == []
    # The sanitizer is the second line of defence: render the HTML without the checks.
    site = gather(Project(project), locales=("es",), variants=("screen",))
    (plan,) = plan_documents(site)
    html = plan.job.html
    for forbidden in ("<script", "onclick", "javascript", "etc/passwd", "secret",
                      'rel="attachment"', "<img src=\"file", "<svg><image"):
        assert forbidden not in html.lower(), forbidden
    result = render_pdf(plan.job)
    assert result.error is None
    pdf = project / "es.pdf"
    pdf.write_bytes(result.pdf)
    assert_harmless(pdf)


def test_javascript_link_from_a_catalog_is_removed(project):
    source = ('A guide for patients from <a href="https://clinic.example">your skin '
              'specialist clinic</a>.')
    edit(project / f"content/{BROCHURE}.yaml",
         "summary: A guide for patients from your skin specialist clinic.",
         f"summary: '{source}'")
    set_translation(project, "es", f"{BROCHURE}:summary",
                    # The source's URL is kept (in a comment of the script).
                    'Una guía de <a href="javascript:alert(document.domain)'
                    '//https://clinic.example">su clínica</a>.', msgid=source)
    result = run_cli("build", "--variant", "screen", "--locale", "en", "--locale", "es",
                     cwd=project)
    assert result.code == 1
    assert "summary: links differ: missing https://clinic.example [link]" in result.err
    en = project / f"output/{BROCHURE}/{BROCHURE}-en-screen.pdf"
    assert "https://clinic.example" in link_targets(en)  # the source's link works
    # The sanitizer is the second line of defence: render the HTML without the checks.
    site = gather(Project(project), locales=("es",), variants=("screen",))
    (plan,) = plan_documents(site)
    rendered = render_pdf(plan.job)
    assert rendered.error is None
    es = project / "es.pdf"
    es.write_bytes(rendered.pdf)
    assert contains(pdf_text(es), "su clínica")
    assert_harmless(es)


def test_clinic_details_are_escaped(project):
    edit(project / "content/clinic.yaml", "name: Example Skin Clinic",
         "name: 'Clinic <script>alert(1)</script><img src=\"file:///etc/passwd\">'")
    result = run_cli("build", "--variant", "screen", "--locale", "en", cwd=project)
    assert result.code == 0, result.err
    pdf = project / f"output/{BROCHURE}/{BROCHURE}-en-screen.pdf"
    assert '<img src="file:///etc/passwd">' in pdf_text(pdf)  # shown as text, not loaded
    assert not leaks(pdf, PASSWD)


# --- network ------------------------------------------------------------------------------

class _Recorder(http.server.ThreadingHTTPServer):
    """A local web server that records every connection and request made to it."""

    def __init__(self) -> None:
        self.connections: list[tuple] = []
        self.requests: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
                server.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(SECRET)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    def get_request(self):
        request = super().get_request()
        self.connections.append(request[1])
        return request


@pytest.fixture
def server():
    recorder = _Recorder()
    thread = threading.Thread(target=recorder.serve_forever, daemon=True)
    thread.start()
    yield recorder
    recorder.shutdown()
    recorder.server_close()


def test_no_network_access(project, server):
    base = f"http://127.0.0.1:{server.server_address[1]}"
    attacks = {
        "en": f'<img src="{base}/image.png">',
        "es": f'<link rel="stylesheet" href="{base}/style.css">',
        "de": f'<style>@import url("{base}/import.css");</style>',
        "fr": f'<style>body {{ background: url({base}/background.png) }}</style>',
        "pl": f'<link rel="attachment" href="{base}/attachment.txt">',
        "ar": f'<svg width="9" height="9"><image href="{base}/svg.png" width="9" height="9"/>'
              '</svg>',
        "pt": f'<img src="{base.replace("http:", "https:")}/secure.png">',
        "ro": f'<img src="{base.replace("http:", "")}/scheme-relative.png">',
    }
    inject(project, attacks)
    edit(project / f"content/{BROCHURE}.yaml",
         "summary: A guide for patients from your skin specialist clinic.",
         f"summary: 'A guide <img src=\"{base}/content.png\"> <a href=\"{base}/link\">link</a>'")
    result = run_cli("build", "--variant", "screen", "--jobs", "2",
                     *[f"--locale={c}" for c in [*attacks, "ur"]], cwd=project)
    assert result.code == 1
    for code in attacks:
        assert f"{BROCHURE}/{code}/screen: refused to load" in result.err, (code, result.err)
    assert "no network access" in result.err and "remote file URLs are not allowed" in result.err
    assert [p.name for p in pdfs(project / "output")] == [f"{BROCHURE}-ur-screen.pdf"]
    assert server.connections == [] and server.requests == []
    # The recorder does see a real request: the assertion above can fail.
    import urllib.request

    with urllib.request.urlopen(f"{base}/control") as response:
        assert response.read() == SECRET
    assert server.requests == ["/control"]


# --- images ---------------------------------------------------------------------------------

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 30000) -> bytes:
    """A valid 1-bit PNG of side x side pixels: 112 MB of rows that zlib makes ~110 KB."""
    row = b"\0" * (1 + (side + 7) // 8)
    compressor = zlib.compressobj(9)
    rows = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", rows)
            + _chunk(b"IEND", b""))


EPS = (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
       b"newpath 0 0 moveto 10 10 lineto stroke showpage\n%%EOF\n")


def test_png_bomb_is_a_real_png():
    from PIL import Image

    bomb = png_bomb()
    assert len(bomb) < 1_000_000
    Image.MAX_IMAGE_PIXELS, limit = None, Image.MAX_IMAGE_PIXELS  # Pillow has a check too
    try:
        with Image.open(io.BytesIO(bomb)) as image:
            assert image.size == (30000, 30000) and image.format == "PNG"
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    rows, inflate = 0, zlib.decompressobj()
    data = bomb[41:-16]  # the IDAT chunk's data, between its type and its CRC
    while not inflate.eof:
        rows += len(inflate.decompress(data, 1 << 24))
        data = inflate.unconsumed_tail
    assert rows == 30000 * (1 + 30000 // 8)


@pytest.mark.parametrize("data, message", [
    (png_bomb(), "image is 30000 x 30000 pixels, more than the limit of 40,000,000 pixels"),
    (EPS, "content is not PNG but something else (images are recognised by content"),
])
def test_unsafe_logo_is_a_located_error(project, data, message):
    (project / "content/assets/logo.png").write_bytes(data)
    edit(project / "content/clinic.yaml", "logo: assets/logo.svg", "logo: assets/logo.png")
    line = next(n for n, text in enumerate(
        (project / "content/clinic.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("logo:"))
    for command in (("build",), ("check",)):
        result = run_cli(*command, cwd=project)
        assert result.code == 1 and "Traceback" not in result.err
        assert f"content/clinic.yaml:{line}: logo: assets/logo.png: {message}" in result.err
    assert not (project / "output").exists() or pdfs(project / "output") == []


def test_unsafe_images_in_templates_fail_their_document(project):
    images = project / "templates/images"
    images.mkdir(exist_ok=True)
    (images / "bomb.png").write_bytes(png_bomb())
    (images / "drawing.png").write_bytes(EPS)
    (images / "photo.jpg").write_bytes(EPS)
    data_url = "data:image/png;base64," + base64.b64encode(png_bomb()).decode()
    eps_url = "data:image/png;base64," + base64.b64encode(EPS).decode()
    inject(project, {"en": '<img src="images/bomb.png">', "es": '<img src="images/drawing.png">',
                     "de": '<img src="images/photo.jpg">', "fr": f'<img src="{data_url}">',
                     "pl": f'<img src="{eps_url}">'})
    result = run_cli("build", "--variant", "screen", "--jobs", "2", *[f"--locale={c}" for c in
                                               ("en", "es", "de", "fr", "pl", "pt")], cwd=project)
    assert result.code == 1 and "Traceback" not in result.err
    bomb = "image is 30000 x 30000 pixels, more than the limit"
    assert re.search(rf"{BROCHURE}/en/screen: refused to load \S+/bomb.png: {bomb}", result.err)
    assert re.search(rf"{BROCHURE}/es/screen: refused to load \S+/drawing.png: content is not "
                     "PNG but something else", result.err)
    assert re.search(rf"{BROCHURE}/de/screen: refused to load \S+/photo.jpg: content is not "
                     "JPEG but something else", result.err)
    assert re.search(rf"{BROCHURE}/fr/screen: refused to load data:image/png;base64,\S+: {bomb}",
                     result.err)
    assert re.search(rf"{BROCHURE}/pl/screen: refused to load data:image/png;base64,\S+: "
                     "content is not PNG", result.err)
    assert [p.name for p in pdfs(project / "output")] == [f"{BROCHURE}-pt-screen.pdf"]


def test_the_leak_detector_finds_an_attachment(tmp_path):
    """Control: without the jail, WeasyPrint embeds the file and ``leaks`` sees it."""
    from weasyprint import HTML

    (tmp_path / "secret.txt").write_bytes(SECRET * 50)
    pdf = tmp_path / "unjailed.pdf"
    HTML(string=f'<link rel="attachment" href="{(tmp_path / "secret.txt").as_uri()}">'
                '<p>Hello</p>').write_pdf(pdf)
    assert leaks(pdf, SECRET)
    assert SECRET not in pdf.read_bytes()  # compressed: only the decompressed streams show it
    html = f'<link rel="attachment" href="{(tmp_path / "secret.txt").as_uri()}"><p>Hello</p>'
    jailed = render_pdf(RenderJob("control", html, tmp_path.as_uri() + "/",
                                  (tmp_path / "templates",)))
    assert jailed.error and "refused to load" in jailed.error and not jailed.pdf
