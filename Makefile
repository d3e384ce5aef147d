# Veilig Bestuur — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTANCE := instance
export PORTAL_INSTANCE_PATH ?= $(abspath $(INSTANCE))

.PHONY: run test install translations migrate demo browser lock extract-messages test-appliance bench clean npm assets

## Start the portal (web on http://localhost:5000 and the Huey consumer) with a demo municipality.
run: install translations
	@mkdir -p $(INSTANCE) && chmod 700 $(INSTANCE)
	$(BIN)/flask --app app migrate
	@if [ ! -s $(INSTANCE)/demo-accounts.txt ]; then \
	  umask 077 && PORTAL_DEMO=1 $(BIN)/flask --app app demo --if-empty > $(INSTANCE)/demo-accounts.txt; fi
	@cat $(INSTANCE)/demo-accounts.txt
	@echo "(also kept in $(INSTANCE)/demo-accounts.txt)  Open http://localhost:5000 (a passkey needs the name localhost, not an IP address) — Ctrl-C stops the portal."
	@echo "Mail is not sent out: a local mail sink on 127.0.0.1:8025 prints every message here."
	@trap 'kill 0' INT TERM EXIT; export PORTAL_DEMO=1 PORTAL_SMTP_HOST=127.0.0.1 PORTAL_SMTP_PORT=8025; \
	  $(BIN)/python -m aiosmtpd -n -l 127.0.0.1:8025 & \
	  $(BIN)/python -m jobs & \
	  $(BIN)/gunicorn --bind 127.0.0.1:5000 --workers 2 --access-logfile - app:app & \
	  wait

## Run the whole test suite (SQLite; PostgreSQL too when PORTAL_TEST_DATABASE_URL is set), one worker
## per core (pytest-xdist; each worker has its own databases, mail server and browser).
## `make test PYTEST_ARGS=...` passes options on, e.g. PYTEST_ARGS="-n 0 -k aftercare".
test: install translations browser npm
	$(BIN)/pytest -n auto --dist worksteal $(PYTEST_ARGS)

install: $(VENV)/.installed

# The portal runs from this folder (no install of the project itself into the venv).
$(VENV)/.installed: requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

## Compile the translations (English; Dutch is the source language).
translations: install
	$(BIN)/pybabel compile -d portal/translations --statistics

## Extract the strings to translate and merge them into the English catalogue.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o portal/translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching

## Debian's Chromium for the browser tests (Playwright drives it; it downloads no browser), and
## poppler-utils' pdftoppm, which renders the letters' PDFs to PNG to look at (tests/test_letters_pdf.py).
browser:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core poppler-utils >/dev/null; }

## axe-core (accessibility tests) and the NL Design System sources, pinned in package-lock.json.
npm: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Rebuild the NL Design System CSS into portal/static/vendor/ (committed: the server needs no Node).
assets: npm
	node frontend/build-assets.mjs

## Re-pin the dependencies (writes the lock files).
lock:
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe --output-file requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe --extra test --output-file requirements-dev.lock pyproject.toml

test-appliance: install
	deploy/tests/run-appliance-test

clean:
	rm -rf $(VENV) build dist *.egg-info

## Benchmarks of issue 9 (figures in bench/README.md): seeds its own scratch databases; under 10 minutes.
bench: install translations
	$(BIN)/python -m bench.run
