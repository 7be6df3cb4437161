# Two entry points for newcomers: `make demo` (the main job) and `make test`
# (every test: Python, R, parity). Both install what they need, idempotently:
# Debian's R packages through apt, everything Python into ./.venv.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(CURDIR)/$(VENV)/bin/python
RLIB := $(CURDIR)/.rlib
BUILD := $(CURDIR)/build
APT_PACKAGES := r-base-core r-base-dev r-cran-reticulate r-cran-testthat r-cran-roxygen2 \
	r-cran-knitr r-cran-rmarkdown r-cran-pkgload r-cran-bench r-cran-jsonlite pandoc

# reticulate and the R examples, tests and vignette use the project's Python.
export RETICULATE_PYTHON := $(PY)
export TF_CPP_MIN_LOG_LEVEL := 2
export R_LIBS := $(RLIB)
export PYTHONUNBUFFERED := 1

.PHONY: setup apt r-package test test-python test-r lint docs demo bench clean

setup: apt $(VENV)/.installed r-package

apt:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "apt: installing$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

# rpy2 compiles against R, so apt comes first.
$(VENV)/.installed: pyproject.toml | apt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[cpu,r,test]'
	touch $@

r-package: $(VENV)/.installed
	mkdir -p $(RLIB)
	R CMD INSTALL --no-test-load --library=$(RLIB) . >/dev/null

lint: $(VENV)/.installed
	$(PY) -m ruff check kerasr_bridge tests benchmarks examples

docs: r-package
	Rscript -e 'roxygen2::roxygenise()'

test-python: setup lint
	$(PY) -m pytest --doctest-modules kerasr_bridge tests/python tests/parity

test-r: setup
	rm -rf $(BUILD) && mkdir -p $(BUILD)
	cd $(BUILD) && R CMD build --no-manual $(CURDIR) >/dev/null
	cd $(BUILD) && _R_CHECK_FUTURE_FILE_TIMESTAMPS_=false _R_CHECK_CRAN_INCOMING_=false \
	  R CMD check --no-manual kerasrbridge_*.tar.gz
	@if grep -qE '^Status:.*(ERROR|WARNING)' $(BUILD)/kerasrbridge.Rcheck/00check.log; then \
	  echo "R CMD check reported errors or warnings"; exit 1; fi

test: test-python test-r

# The main job: train the MobileNet-style digits model from Python and from R,
# compare the final weights, write out/main_job.png (about a minute on 2 cores).
demo: setup
	$(PY) examples/main_job.py

bench: setup
	$(PY) benchmarks/bench_python.py
	Rscript benchmarks/bench_r.R
	$(PY) benchmarks/leak_check.py --cycles 10000

clean:
	rm -rf $(BUILD) $(RLIB) $(VENV)
