# make leaflets (or plain make): install what is missing, then build every leaflet.
# make test: the same set-up, then the whole test suite.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Fonts for every script the leaflets use, WeasyPrint's libraries; poppler and a CMYK
# ICC profile (libgs-common) for the tests.
APT_PACKAGES := fontconfig fonts-noto-core fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
	libharfbuzz0b libharfbuzz-subset0 poppler-utils libgs-common

.DEFAULT_GOAL := leaflets
.PHONY: leaflets test setup system-packages bench clean

system-packages:
	@missing=""; \
	if command -v dpkg >/dev/null 2>&1; then \
	  for p in $(APT_PACKAGES); do \
	    dpkg -s $$p 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	  done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	  echo "Installing system packages:$$missing"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BIN)/brochures: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

setup: system-packages $(BIN)/brochures

leaflets: setup
	$(BIN)/brochures build

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/build_speed.py

clean:
	rm -rf output
