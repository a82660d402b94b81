"""Fonts per script (templates/fonts.yaml), found through fontconfig, checked glyph by glyph."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from brochures.errors import BrochuresError, Location, raise_if_errors
from brochures.locales import LocaleInfo
from brochures.yamlfile import Reader, YMap, load_yaml

FONTS_FILE = "fonts.yaml"
INSTALL_HINT = ("Run `make leaflets` (it installs the Noto fonts), or install the family "
                "with your system's package manager, e.g. apt-get install fonts-noto-core "
                "fonts-noto-cjk.")


@dataclass(frozen=True)
class FontConfig:
    """The font families for each script and language, and their line heights."""

    path: Path
    fallback: tuple[str, ...]
    scripts: dict[str, tuple[str, ...]]
    languages: dict[str, tuple[str, ...]]
    text_layer: dict[str, tuple[str, ...]]
    line_height: dict[str, float]

    def families(self, info: LocaleInfo, text_layer: bool = False) -> tuple[str, ...]:
        """The font stack for a locale: its language's or script's fonts, then the fallback.

        With ``text_layer``, fonts whose PDF text cannot be extracted are replaced.
        """
        own = self.languages.get(info.language) or self.scripts.get(info.script, ())
        if text_layer:
            own = tuple(f for family in own for f in self.text_layer.get(family, (family,)))
        return tuple(dict.fromkeys(own + self.fallback))

    def leading(self, families: tuple[str, ...]) -> float:
        """The line height suited to the first font of a stack."""
        return self.line_height.get(families[0], self.line_height.get("default", 1.5))


def load_font_config(templates: Path, source: bytes | None = None) -> FontConfig:
    """Read and validate templates/fonts.yaml (or ``source``, its bytes already read)."""
    path = templates / FONTS_FILE
    reader = Reader(path)
    data = reader.mapping(load_yaml(path, source), "", 1,
                          {"fallback": True, "scripts": True, "languages": False,
                           "text_layer": False, "line_height": False})
    if data is None:
        raise_if_errors(reader.diagnostics, "font configuration")

    def family_lists(name: str) -> dict[str, tuple[str, ...]]:
        table = data.get(name) or YMap()
        if not isinstance(table, dict):
            reader.error(data.lines[name], name, "expected a mapping")
            return {}
        result = {}
        for key, value in table.items():
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                reader.error(table.lines[key], f"{name}.{key}", "expected a list of font families")
            else:
                result[key] = tuple(value)
        return result

    fallback_value = data.get("fallback")
    if not isinstance(fallback_value, list):
        reader.error(data.lines.get("fallback"), "fallback", "expected a list of font families")
        fallback_value = []
    heights = {}
    for key, value in (data.get("line_height") or {}).items():
        if not isinstance(value, (int, float)) or not 1 <= value <= 4:
            reader.error(data["line_height"].lines[key], f"line_height.{key}",
                         "expected a number between 1 and 4")
        else:
            heights[key] = float(value)
    config = FontConfig(path, tuple(fallback_value), family_lists("scripts"),
                        family_lists("languages"), family_lists("text_layer"), heights)
    raise_if_errors(reader.diagnostics, "font configuration")
    return config


@dataclass(frozen=True)
class FontFace:
    """One installed font file (and face index, for collections)."""

    family: str
    file: Path
    index: int

    @property
    def ref(self) -> str:
        """``path#index``, as the manifest records it (see :func:`brochures.deps.font_identity`)."""
        return f"{self.file}#{self.index}"


@cache
def find_face(family: str) -> FontFace | None:
    """The regular face of an installed family, through fontconfig; None when missing."""
    if shutil.which("fc-list") is None:
        raise BrochuresError("fontconfig's fc-list is not installed", hint=INSTALL_HINT)
    out = subprocess.run(
        ["fc-list", "--format", "%{file}\t%{index}\t%{style[0]}\n", f":family={family}"],
        capture_output=True, text=True, check=False).stdout
    faces = [line.split("\t") for line in out.splitlines() if line.count("\t") == 2]
    if not faces:
        return None
    faces.sort(key=lambda face: (face[2] not in ("Regular", "Book"), face[0]))
    path, index, _style = faces[0]
    return FontFace(family, Path(path), int(index))


def resolve(families: tuple[str, ...], where: Location) -> tuple[FontFace, ...]:
    """The installed face of every family; a missing family is an error naming it."""
    faces = []
    for family in families:
        face = find_face(family)
        if face is None:
            raise BrochuresError(f"font family {family!r} is not installed", where, INSTALL_HINT)
        faces.append(face)
    return tuple(faces)


@cache
def _codepoints(face: FontFace) -> frozenset[int]:
    with TTFont(face.file, fontNumber=face.index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def uncovered(text: str, faces: tuple[FontFace, ...]) -> list[str]:
    """The characters of ``text`` that none of ``faces`` has a glyph for, in order."""
    missing = []
    for char in dict.fromkeys(text):
        if char.isspace() or unicodedata.category(char) in ("Cf", "Cc", "Zs"):
            continue  # spaces and format controls (ZWJ, bidi marks) have no glyph to check
        if not any(ord(char) in _codepoints(face) for face in faces):
            missing.append(char)
    return missing
