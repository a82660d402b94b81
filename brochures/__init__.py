"""brochures: multilingual printable patient leaflets from YAML, gettext and WeasyPrint."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("brochures")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
