# nnviz: two commands set everything up.  make run | make test  (make bench, make serve too)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
STAMP := $(VENV)/.installed

.PHONY: run test bench bench-load bench-browser serve chromium redis venv

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -c "from nnviz import fastnet; fastnet.warm()"
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.headless true --server.port $(PORT)

chromium:
	@test -x /usr/bin/chromium || { apt-get update && apt-get install -y chromium; }

# The live-class tests run on a real Redis too (started by the tests themselves, on a free loopback port).
redis:
	@command -v redis-server >/dev/null || { apt-get update && apt-get install -y redis-server; }

test: $(STAMP) chromium redis
	$(BIN)/python -m pytest

bench: $(STAMP) chromium
	$(BIN)/python -m bench

serve: $(STAMP)
	NNVIZ_PORT=$(PORT) scripts/serve.sh

bench-load: $(STAMP)
	$(BIN)/python -m bench load class hostile

bench-browser: $(STAMP) chromium
	$(BIN)/python -m bench browser
