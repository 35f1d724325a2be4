# The two commands of a new user: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DIR ?= data/demo
DEMO_CLIENTS ?= 6000
DEMO_SEED ?= 42
DEMO_BATCHES ?= 6
BATCHES_LOADED := $(DEMO_DIR)/.batches-loaded
OUTCOMES_RECORDED := $(DEMO_DIR)/.outcomes-recorded
BATCHES_DRIFT := $(DEMO_DIR)/.batches-drift
FEATURES ?= data/features.parquet
ARTIFACTS ?= artifacts
HOST ?= 127.0.0.1
PORT ?= 8050
WORKERS ?= 2
export MLFLOW_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := 1

.PHONY: run serve test backends install install-dev browser demo-data features train batches outcomes batches-drift drift report mlflow-ui bench lint clean

run: install demo-data features $(ARTIFACTS)/serving.json batches outcomes $(ARTIFACTS)/drift/summary.json batches-drift
	@echo "Demo data:      $(DEMO_DIR)/   monthly batches: $(DEMO_DIR)/batches/ (loaded into the store)"
	@echo "Feature table:  $(FEATURES)"
	@echo "Model + tables: $(ARTIFACTS)/   drift report: $(ARTIFACTS)/drift/report.html"
	@$(MAKE) --no-print-directory serve

# gunicorn.conf.py: threaded workers (a silent connection never holds one), keepalive 5 s, timeout 60 s, and
# no --preload (each worker loads the artifacts: polars' pool does not survive a fork). The master checks the
# artifacts and creates and prints the demo accounts once (DEMO_ACCOUNTS=1: a demo only; a deployment manages
# users with python -m app.users).
serve: install
	ARTIFACTS_DIR=$(ARTIFACTS) DEMO_ACCOUNTS=1 $(VENV)/bin/gunicorn wsgi:server --bind $(HOST):$(PORT) \
	  --workers $(WORKERS) -c gunicorn.conf.py --no-control-socket

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements-spark.txt $(VENV)/.runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# Debian's chromium + chromedriver for the browser tests (no browser download: no internet here), and node + npm
# for axe-core (tests/browser/package.json, pinned; npm ci installs exactly the lock file).
browser:
	@if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null || ! command -v npm >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver nodejs npm >/dev/null; \
	fi
	@if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then \
	  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) || { echo "make browser: npm ci failed: axe-core is needed by the browser tests" >&2; exit 1; }; \
	fi

$(DEMO_DIR)/.done: $(VENV)/.runtime
	$(PY) -m model_training synth --out $(DEMO_DIR) --clients $(DEMO_CLIENTS) --seed $(DEMO_SEED) \
	  --batches $(DEMO_BATCHES)
	touch $@

demo-data: $(DEMO_DIR)/.done

$(FEATURES): $(DEMO_DIR)/.done
	$(PY) -m model_training features --data $(DEMO_DIR) --out $(FEATURES)

features: $(FEATURES)

$(ARTIFACTS)/serving.json: $(DEMO_DIR)/.done
	$(PY) -m model_training train --data $(DEMO_DIR) --out $(ARTIFACTS) --quick

train: $(ARTIFACTS)/serving.json

# Each month of new applicants (batches/<YYYY-MM>/) is scored by the trained model and stored as the batch named
# after its month, received on its first day. The score command stores a batch once (a re-run adds nothing); the stamp only spares asking
# again, and a retrained model (newer serving.json) scores the months again.
$(BATCHES_LOADED): $(ARTIFACTS)/serving.json $(DEMO_DIR)/.done
	@set -e; for folder in $(DEMO_DIR)/batches/*/; do \
	  [ -d "$$folder" ] || continue; month=$$(basename "$$folder"); \
	  echo "$(PY) -m model_training score --data $$folder --artifacts $(ARTIFACTS) --batch $$month --received $$month-01"; \
	  $(PY) -m model_training score --data "$$folder" --artifacts $(ARTIFACTS) --batch "$$month" --received "$$month-01"; \
	done
	touch $@

batches: $(BATCHES_LOADED)

# The outcomes known by the demo's "today" (outcomes/<YYYY-MM>.csv: SK_ID_CURR, TARGET, KNOWN_AT) are recorded
# against the stored months, which computes their real performance. Once per demo data set (order-only on the
# batches: a retrained model's re-scoring keeps the outcomes, which the command never records twice); a file
# whose outcomes the database already holds (make clean keeps it) is skipped.
$(OUTCOMES_RECORDED): $(DEMO_DIR)/.done | $(BATCHES_LOADED)
	@set -e; for file in $(DEMO_DIR)/outcomes/*.csv; do \
	  [ -f "$$file" ] || continue; \
	  recorded=0; $(PY) -m model_training.synthetic.outcomes_recorded --recorded "$$file" || recorded=$$?; \
	  [ $$recorded = 0 ] && continue; [ $$recorded = 1 ] || exit $$recorded; \
	  echo "$(PY) -m model_training outcomes --file $$file --artifacts $(ARTIFACTS)"; \
	  $(PY) -m model_training outcomes --file "$$file" --artifacts $(ARTIFACTS); \
	done
	touch $@

outcomes: $(OUTCOMES_RECORDED)

# Each stored batch's drift against training (a record in the store, its report in drift/batches/), so that the
# drift page shows a history at first start; built again (the records replaced) when batches or the model change.
$(BATCHES_DRIFT): $(BATCHES_LOADED) $(ARTIFACTS)/serving.json
	@if compgen -G "$(DEMO_DIR)/batches/*/" >/dev/null; then \
	  echo "$(PY) -m model_training drift --all-batches --artifacts $(ARTIFACTS)"; \
	  $(PY) -m model_training drift --all-batches --artifacts $(ARTIFACTS); \
	fi
	touch $@

batches-drift: $(BATCHES_DRIFT)

$(ARTIFACTS)/drift/summary.json: $(ARTIFACTS)/serving.json
	$(PY) -m model_training drift --data $(DEMO_DIR) --artifacts $(ARTIFACTS)

drift: $(ARTIFACTS)/drift/summary.json

report: install
	$(PY) -m model_training report --out docs/methodology.md

mlflow-ui: install
	$(VENV)/bin/mlflow ui --backend-store-uri sqlite:///mlruns/mlflow.db --host 127.0.0.1 --port 5000

# The database and cache tests run twice: SQLite + the in-process cache, and PostgreSQL + Redis on throw-away
# loopback servers (tests/backends/servers.sh), stopped at the end even when tests fail. Without the Debian
# packages the PostgreSQL/Redis cases are skipped, unless CI_REQUIRE_BACKENDS=1 (.ci/run): then it fails.
test: install-dev browser
	@trap 'tests/backends/servers.sh stop' EXIT; \
	if urls=$$(tests/backends/servers.sh start); then eval "$$urls"; \
	elif [ "$${CI_REQUIRE_BACKENDS:-}" = 1 ]; then exit 1; fi; \
	$(PY) -m pytest --headless

# Start the test servers by hand: eval "$$(make -s backends)"; stop them: tests/backends/servers.sh stop
backends:
	@tests/backends/servers.sh start

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy  # pyproject.toml [tool.mypy]: app/ components/ pages/ model_training/

bench: install-dev $(ARTIFACTS)/serving.json
	$(PY) benchmarks/bench_features.py
	$(PY) benchmarks/bench_drift.py
	$(PY) benchmarks/bench_serving.py
	$(PY) benchmarks/bench_audit.py --artifacts $(ARTIFACTS)
	$(PY) benchmarks/load_test.py --artifacts $(ARTIFACTS)
	$(PY) benchmarks/bench_pages.py --artifacts $(ARTIFACTS) --data $(DEMO_DIR)
	$(PY) benchmarks/bench_store.py --artifacts $(ARTIFACTS)
	$(PY) benchmarks/bench_intake.py --artifacts $(ARTIFACTS) --data $${HOMECREDIT_DIR:-$(DEMO_DIR)}
	$(PY) benchmarks/bench_recourse.py --data $${HOMECREDIT_DIR:-$(DEMO_DIR)}
	$(PY) benchmarks/bench_batch_scoring.py --artifacts $(ARTIFACTS)
	$(PY) benchmarks/bench_batch_drift.py --artifacts $(ARTIFACTS)
	$(PY) benchmarks/bench_spark.py --artifacts $(ARTIFACTS)
	$(PY) benchmarks/bench_train.py  # the longest: train --quick then the full comparison at Kaggle scale

# The app's image with podman, no registry needed: a Debian base from Debian's packages (debootstrap), then the
# Containerfile FROM it (docs/deployment.md; compose.yaml runs it with PostgreSQL, Redis and MLflow).
.PHONY: image
image:
	bash deploy/build-image.sh

# The registry goes with the artifacts: left behind, its champion would make the next train a challenger
# (exported to $(ARTIFACTS)/challenger/) with no champion's export for the app to serve.
clean:
	rm -rf $(DEMO_DIR) $(FEATURES) $(ARTIFACTS) mlruns
