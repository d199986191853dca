# Two commands do everything (see README):
#   make report   assess the example brands, write report, charts and decks under build/
#   make test     lint, format check, unit tests, notebook tests (strict nbval)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=

.PHONY: report test notebooks figures format lab bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -c constraints.txt -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (wechat-mp-research)"
	# byte-compile the package as pip does for installed ones (an editable install is not),
	# so a command starts without compiling it, even where PYTHONDONTWRITEBYTECODE is set
	$(BIN)/python -m compileall -q research
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/python -m research report $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest --nbval --nbval-sanitize-with notebooks/sanitize.cfg

notebooks: $(STAMP)
	$(BIN)/python -m research notebooks $(ARGS)

figures: $(STAMP)
	$(BIN)/python -m research figures $(ARGS)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_models.py
	$(BIN)/python benchmarks/bench_decision.py
	$(BIN)/python benchmarks/bench_report.py

clean:
	rm -rf build
