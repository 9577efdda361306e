# Parley: everything a fresh clone needs is set up by these targets.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
PORT ?= 8550
HUB_PORT ?= 8660

.PHONY: run test lint fmt bench clean venv catalogs chromium fstools forensic pouch crash soak

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e ".[web,hub]" --group dev
	@touch $(STAMP)

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# mkfs.ext4 and mkfs.btrfs for the forensic image tests (loop mounts, as root).
fstools:
	@if ! command -v mkfs.btrfs >/dev/null || ! command -v mkfs.ext4 >/dev/null; then \
	  echo "Installing Debian's btrfs-progs and e2fsprogs for the forensic tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq btrfs-progs e2fsprogs >/dev/null; \
	fi

# English text changed or keys added in app/ui/catalog_en.py: extract it and merge
# it into the French and Arabic .po files, then translate what is new or fuzzy.
catalogs: venv
	@mkdir -p var
	$(BIN)/pybabel extract -F pyproject.toml app/ui/catalog_en.py
	$(BIN)/pybabel update

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: venv chromium fstools lint
	$(BIN)/python -m pytest

# The long forensic and crash campaigns: calibrated Argon2id, 200 records, bigger
# images, every duress step and 200 random kills (a few minutes of both cores).
forensic: venv fstools
	PARLEY_FORENSIC_FULL=1 $(BIN)/python -m pytest -q tests/store/test_forensic.py tests/store/test_duress_crash.py

# The PouchDB side of `bench links` (Node, its own lock file).
POUCH_STAMP := bench/pouch/node_modules/.installed

pouch: $(POUCH_STAMP)

$(POUCH_STAMP): bench/pouch/package.json bench/pouch/package-lock.json
	cd bench/pouch && npm ci --no-audit --no-fund --loglevel=error
	@touch $(POUCH_STAMP)

bench: venv chromium pouch
	$(BIN)/python -m bench all

# Long campaigns (short versions run in `make test`): >= 100 SIGKILLs of app and
# hub processes plus PostgreSQL restarts on a private cluster; 50 devices for 10 min.
crash: venv
	$(BIN)/python -m bench._crash

soak: venv
	$(BIN)/python -m bench._soak

run: venv
	$(BIN)/python -m app.devrun --port $(PORT) --hub-port $(HUB_PORT)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache screenshots var
