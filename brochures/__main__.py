"""Run the command line as ``python -m brochures``."""

from brochures.cli import main

main()
