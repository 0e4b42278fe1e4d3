# Statement Assistant: the whole dev loop. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: help install index run test lint unit eval bench browser clean llm bench-generation bench-embedding

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

install: $(STAMP) ## create .venv and install everything (pip's cache makes reruns fast)

index: install ## build the index from corpus/ if it is missing or stale (incremental)
	$(PY) -m assistant ingest

run: index ## set everything up and start the chat on http://127.0.0.1:7860
	$(PY) app.py

browser: ## install Debian's chromium for the browser tests, if missing
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

lint: install ## ruff (lint + format), mypy, the architecture's import contracts and the import-cycle check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy assistant app.py
	$(VENV)/bin/lint-imports
	$(PY) scripts/import_cycles.py

unit: install ## the tests only
	$(PY) -m pytest -q

test: install browser lint ## set everything up, lint, and run every test (what CI runs)
	$(PY) -m pytest -q

eval: index ## evaluate on the dev set into results/dev
	$(PY) -m assistant eval ../shared/eval/dev_qa.jsonl --out results/dev

bench: install ## the three sizes beside the naive pipeline into bench/results (the full corpus is kept in data/index-full; its first build takes over an hour)
	$(PY) bench/run.py
	$(PY) bench/run.py --corpus ungdc-sample
	$(PY) bench/run.py --corpus seed,ungdc --index data/index-full --no-naive

llm: install ## assemble and check the local LLM once (into ~/.cache/statement-assistant/models)
	$(PY) -c "from assistant.answer.generative.llm_model import assembled_model; print(assembled_model())"

bench-generation: llm ## time to first token and tokens/s for k = 3, 5, 8 passages into bench/results
	$(PY) bench/generation.py

bench-embedding: install ## embedders' agreement with torch and paragraphs/s (torch, onnx, onnx-int8) into bench/results
	$(PY) bench/embedding.py

clean: ## remove the built index and caches (keeps .venv)
	rm -rf index/build-* index/CURRENT results .pytest_cache .ruff_cache .mypy_cache
