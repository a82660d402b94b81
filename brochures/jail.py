"""The only way WeasyPrint reads anything: data: URLs and files inside the project's folders."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from brochures.sniff import MAX_BYTES, TYPES_BY_SUFFIX, check_content


class RefusedFetch(FatalURLFetchingError):
    """WeasyPrint asked for something outside the jail; the document must fail."""

    def __init__(self, url: str, reason: str) -> None:
        shown = url if len(url) < 120 else url[:117] + "..."
        super().__init__(f"refused to load {shown}: {reason}")


def check_file(path: Path, data: bytes) -> str:
    """The content type to serve ``data`` as; raises :class:`RefusedFetch` when it is unsafe."""
    expected = TYPES_BY_SUFFIX.get(path.suffix.lower())
    if expected is None:
        raise RefusedFetch(path.as_uri(), "only CSS, fonts and PNG, JPEG or SVG images "
                           "may be used")
    problem = check_content(data, expected)
    if problem:
        raise RefusedFetch(path.as_uri(), problem)
    return expected


class JailedFetcher(URLFetcher):
    """Serves ``data:`` URLs and regular files below ``roots``; refuses everything else.

    Every refusal is also kept in :attr:`refused`: WeasyPrint swallows exceptions raised
    while it draws an SVG, so the caller checks this list after rendering.
    """

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        self.roots = tuple(root.resolve() for root in roots)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        try:
            return self._fetch(url, headers)
        except RefusedFetch as exc:
            self.refused.append(str(exc))
            raise

    def _fetch(self, url: str, headers: dict | None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._data(url, headers)
        if scheme != "file":
            raise RefusedFetch(url, "only files inside the project may be used "
                               "(no network access while building leaflets)")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedFetch(url, "remote file URLs are not allowed")
        path = Path(unquote(parts.path)).resolve()  # follows symlinks and '..'
        if not any(path.is_relative_to(root) for root in self.roots):
            real = "" if unquote(parts.path) == str(path) else f" (it leads to {path})"
            raise RefusedFetch(url, f"the file is outside the project's templates and "
                               f"content{real}")
        if not path.is_file():
            raise RefusedFetch(url, "no such file")
        if path.stat().st_size > MAX_BYTES:
            raise RefusedFetch(url, f"file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        data = path.read_bytes()
        content_type = check_file(path, data)
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": content_type})

    def _data(self, url: str, headers: dict | None) -> URLFetcherResponse:
        """A ``data:`` URL, held to the same content rules as a file of its declared type."""
        response = super().fetch(url, headers)
        try:
            data = response.read(MAX_BYTES + 1)
            declared = response.content_type
        finally:
            response.close()
        problem = check_content(data, declared)
        if problem:
            raise RefusedFetch(url, problem)
        return URLFetcherResponse(url, data, {"Content-Type": declared})
