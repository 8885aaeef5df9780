# The README's commands. Each creates .venv and installs what it needs on first use.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 5000
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

BABEL   := $(VENV)/bin/pybabel
# gettext keywords beyond Babel's defaults (_, gettext, ngettext, N_, ...)
KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2

.PHONY: run test lint format system-packages clean catalogs translations docs docs-screenshots

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: surveyapp on SQLite with the shipped questionnaires and demo data, at http://127.0.0.1:5000
## (HOST=… PORT=… serve elsewhere). The address is written to instance/surveyapp.env as
## SURVEYAPP_PUBLIC_URL, so commands run in another terminal print links that lead here.
run: export SURVEYAPP_PUBLIC_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
run: $(STAMP) catalogs
	@mkdir -p instance && touch instance/surveyapp.env && sed -i '/^SURVEYAPP_PUBLIC_URL=/d' instance/surveyapp.env \
		&& echo "SURVEYAPP_PUBLIC_URL=$$SURVEYAPP_PUBLIC_URL" >> instance/surveyapp.env
	$(VENV)/bin/surveyapp init --demo
	@case "$(HOST)" in 127.0.0.1|localhost|::1) ;; *) \
		echo "Serving beyond this computer over plain HTTP: answering works, but tablets keep no offline"; \
		echo "queue (browsers run service workers only over HTTPS or on 127.0.0.1). For tablets, put a"; \
		echo "reverse proxy with a certificate they trust in front: docs/production.md, \"HTTPS\"." ;; esac
	$(VENV)/bin/surveyapp run --host $(HOST) --port $(PORT)

## docs: the documentation site (MkDocs) from docs/ into site/
docs: $(STAMP)
	$(VENV)/bin/mkdocs build --strict --site-dir site

## docs-screenshots: the staff guide's screenshots (docs/img/) made anew by the browser tests
docs-screenshots: $(STAMP) catalogs
	SURVEYAPP_DOCS_SCREENSHOTS=1 $(PY) -m pytest tests/browser/test_docs_screenshots.py -q

## test: lint and the whole test suite (SQLite, PostgreSQL when it answers, headless Chromium)
test: $(STAMP) system-packages catalogs
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n 2 --dist loadfile

## system-packages: Debian's Chromium (browser tests), fonts for every shipped script,
## LibreOffice Calc and poppler (the Excel files are printed to PDF and read back in the tests),
## and PostgreSQL's client programs (surveyapp backup and restore use pg_dump and pg_restore), and GNU PSPP
## and R's haven (the evaluator's SPSS and Stata files are read back with them)
system-packages:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "NotoSansEthiopic" \
		|| ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null \
		|| ! command -v pg_dump >/dev/null \
		|| ! command -v pspp >/dev/null || ! Rscript -e 'library(haven)' >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-core \
			libreoffice-calc-nogui poppler-utils postgresql-client pspp r-cran-haven >/dev/null; \
	fi

## catalogs: compile translations/*/LC_MESSAGES/*.po into the .mo files the app reads
catalogs: $(STAMP)
	$(BABEL) -q compile -d translations -D messages
	$(BABEL) -q compile -d translations -D questionnaires

## translations: extract texts from the code and questionnaires/ and update every catalog
translations: $(STAMP)
	$(BABEL) -q extract -F translations/messages.cfg $(KEYWORDS) -c TRANSLATORS: --ignore-dirs='.* __pycache__ node_modules' --add-location=file \
		--sort-by-file --no-wrap --project=surveyapp -o translations/messages.pot .
	$(BABEL) -q extract -F translations/questionnaires.cfg --add-location=file --sort-by-file --no-wrap \
		--project=surveyapp -o translations/questionnaires.pot .
	# interface texts get no fuzzy guesses: a guess with other placeholders stops pybabel compile
	$(BABEL) -q update -D messages -i translations/messages.pot -d translations --no-wrap --previous --ignore-obsolete \
		--no-fuzzy-matching
	$(BABEL) -q update -D questionnaires -i translations/questionnaires.pot -d translations --no-wrap \
		--previous --ignore-obsolete

lint: $(STAMP)
	$(VENV)/bin/ruff check .

format: $(STAMP)
	$(VENV)/bin/ruff format surveyapp tests

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache site
