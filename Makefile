# Two entry points for newcomers: `make demo` (the main job) and `make test`
# (every test, in every stack). Both install what they need, idempotently and
# cached by stamp files: Debian's R packages through apt, everything else in
# project-local folders (.venv*, .rlib*).
#
# The stacks `make test` runs, one after the other (CI runs them all):
#   debian   Debian 12's R with its reticulate 1.28 (apt) + ./.venv: NumPy < 2,
#            tensorflow-cpu, rpy2 3.5, the project at the lowest versions we
#            declare (.ci/constraints-debian.txt). ruff; pytest: doctests,
#            tests/python, Keras's own depthwise tests, the parity suite;
#            R CMD check (testthat, examples, vignette) in build/debian.
#   current  reticulate 1.46.0 + keras3 1.5.1 and their R dependencies in
#            ./.rlib-current (first on R_LIBS), + ./.venv-current: NumPy 2,
#            tensorflow-cpu, rpy2 3.5. The parity suite; R CMD check in
#            build/current.
#   jax      ./.venv-jax (jax[cpu], NumPy 2) + the current stack's R library
#            (reticulate 1.46, keras3): KERAS_BACKEND=jax, the Python suite and
#            Keras's own tests without the tests marked `r`, and fresh Rscript
#            sessions converting results back (tests/backends).
#   torch    ./.venv-torch (torch 2.13.0+cpu, NumPy 2) + the same R library:
#            the same with KERAS_BACKEND=torch.
#
# KERASRBRIDGE_STACK is set to the stack's name (debian, current, jax, torch)
# for every test command here. Tests read it to fail instead of skipping where
# the stack promises a piece: with KERASRBRIDGE_STACK=current, keras3 (and
# reticulate >= 1.42) must be there. Unset (a developer's own run), tests may
# skip what is missing.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
RSRC ?= $(abspath $(CURDIR)/../shared/r-src)
BUILD := $(CURDIR)/build
PIP_FLAGS := -q --disable-pip-version-check
# The Python package sits at the root beside the R package (./configure copies
# it into the R package, installed there as python/; see tools/bundle-python.sh).
PYPROJECT := pyproject.toml

VENV := .venv
PY := $(CURDIR)/$(VENV)/bin/python
RLIB := $(CURDIR)/.rlib
VENV_CURRENT := .venv-current
PY_CURRENT := $(CURDIR)/$(VENV_CURRENT)/bin/python
RLIB_CURRENT := $(CURDIR)/.rlib-current
VENV_JAX := .venv-jax
VENV_TORCH := .venv-torch
# uv, which reticulate (>= 1.41) uses to build its managed environments, for
# the install tests: its own venv, and a folder holding only `uv` to put on
# PATH. Its cache is project-local, so reruns download nothing.
VENV_UV := .venv-uv
UV_BIN := $(CURDIR)/.uv-bin

# R packages of the current stack, in install order (each needs those before it).
R_CURRENT := reticulate config dotty zeallot tfautograph tfruns tensorflow keras3
# Debian's packages: R and the tools (first two lines; python3-venv, which a plain
# Debian lacks, for `python3 -m venv`), then what the current stack's source
# packages need from Debian.
APT_PACKAGES := r-base-core r-base-dev r-cran-reticulate r-cran-testthat r-cran-roxygen2 \
	r-cran-knitr r-cran-rmarkdown r-cran-pkgload r-cran-bench r-cran-jsonlite pandoc python3-venv \
	r-cran-rcpp r-cran-rcpptoml r-cran-matrix r-cran-here r-cran-png r-cran-rappdirs \
	r-cran-withr r-cran-rlang r-cran-cli r-cran-glue r-cran-fastmap r-cran-generics \
	r-cran-magrittr r-cran-processx r-cran-yaml r-cran-rstudioapi r-cran-lifecycle \
	r-cran-backports r-cran-base64enc r-cran-whisker r-cran-tidyselect

# The Python test suite and Keras's own depthwise tests (run against our
# functions and classes); R is reached through the parity suite.
PY_SUITE := tests/python tests/keras_upstream

# Defaults (the debian stack): reticulate and the R examples, tests and vignette
# use the project's Python. Other stacks override these per command.
export RETICULATE_PYTHON := $(PY)
# The user's own TF_CPP_MIN_LOG_LEVEL, if set (read before the export below replaces it): make demo keeps it.
USER_TF_LOG_LEVEL := $(TF_CPP_MIN_LOG_LEVEL)
export TF_CPP_MIN_LOG_LEVEL := 2
export R_LIBS := $(RLIB)
export PYTHONUNBUFFERED := 1

DEBIAN_ENV := KERASRBRIDGE_STACK=debian
CURRENT_ENV := KERASRBRIDGE_STACK=current RETICULATE_PYTHON=$(PY_CURRENT) R_LIBS=$(RLIB_CURRENT):$(RLIB)

.PHONY: setup setup-debian setup-current setup-jax setup-torch apt r-package \
	test test-debian test-current test-jax test-torch test-python-debian test-r-debian lint \
	check generate docs demo bench clean

setup: setup-debian
setup-debian: apt $(VENV)/.installed $(VENV_UV)/.installed r-package
setup-current: apt $(VENV_CURRENT)/.installed $(RLIB_CURRENT)/.installed $(VENV_UV)/.installed r-package
# The jax and torch stacks run R too: the current stack's R library and our package.
setup-jax: $(VENV_JAX)/.installed $(RLIB_CURRENT)/.installed r-package
setup-torch: $(VENV_TORCH)/.installed $(RLIB_CURRENT)/.installed r-package

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

# What each venv installs (variables, since $(call) would split these at their commas).
PIP_DEBIAN := -c .ci/constraints-debian.txt -e '.[cpu,r,parity,test]'
PIP_CURRENT := -e '.[cpu,parity,test]' 'numpy>=2,<3'
PIP_JAX := -e '.[test]' 'jax[cpu]==0.10.2' 'numpy>=2,<3'
PIP_TORCH := -e '.[test]' $$($(PYTHON) .ci/torch_pip_args.py) 'numpy>=2,<3'

# $(call venv,<dir>,<pip install arguments>): create the venv if needed, then install.
define venv
test -x $(1)/bin/python || $(PYTHON) -m venv $(1)
$(1)/bin/python -m pip install $(PIP_FLAGS) --upgrade pip
$(1)/bin/python -m pip install $(PIP_FLAGS) $(2)
touch $(1)/.installed
endef

# rpy2 compiles against R, so apt comes first. The `r` extra pins NumPy < 2 for
# reticulate 1.28; the constraints hold keras, TensorFlow and NumPy at the
# lowest versions $(PYPROJECT) and DESCRIPTION declare, so those stay tested.
$(VENV)/.installed: $(PYPROJECT) .ci/constraints-debian.txt | apt
	$(call venv,$(VENV),$(PIP_DEBIAN))

# The newest NumPy 2 that TensorFlow accepts (no `r` extra: reticulate 1.46 loads NumPy 2).
$(VENV_CURRENT)/.installed: $(PYPROJECT) | apt
	$(call venv,$(VENV_CURRENT),$(PIP_CURRENT))

$(VENV_UV)/.installed:
	test -x $(VENV_UV)/bin/python || $(PYTHON) -m venv $(VENV_UV)
	$(VENV_UV)/bin/python -m pip install $(PIP_FLAGS) uv
	mkdir -p $(UV_BIN) && ln -sf $(CURDIR)/$(VENV_UV)/bin/uv $(UV_BIN)/uv
	touch $@

$(VENV_JAX)/.installed: $(PYPROJECT)
	$(call venv,$(VENV_JAX),$(PIP_JAX))

# `+cpu` matches only PyTorch's CPU build; plain `torch` would pull gigabytes of
# CUDA. .ci/torch_pip_args.py adds PyTorch's CPU index, as PyTorch documents,
# unless pip has that build in a local find-links folder (these machines).
$(VENV_TORCH)/.installed: $(PYPROJECT)
	$(call venv,$(VENV_TORCH),$(PIP_TORCH))

R_CURRENT_CRAN := install.packages(c("reticulate", "keras3"), lib = "$(RLIB_CURRENT)", \
	repos = "https://cloud.r-project.org")
# Fails the set-up unless .rlib-current's reticulate and keras3 are the ones we test.
R_CURRENT_CHECK := for (p in c("reticulate", "keras3")) cat(p, format(packageVersion(p)), "\n"); \
	stopifnot(packageVersion("reticulate") >= "1.46", packageVersion("keras3") >= "1.5.1")

# reticulate 1.46.0, keras3 1.5.1 and their R dependencies: from the source
# tarballs in $(RSRC) where that folder exists (CRAN is unreachable there),
# else from CRAN. Their other dependencies come from Debian (APT_PACKAGES).
$(RLIB_CURRENT)/.installed: $(wildcard $(RSRC)/*.tar.gz) | apt
	rm -rf $(RLIB_CURRENT) && mkdir -p $(RLIB_CURRENT)
	if [ -d $(RSRC) ]; then \
	  for p in $(R_CURRENT); do \
	    tarball=$$(ls $(RSRC)/$${p}_*.tar.gz); \
	    MAKEFLAGS=-j$$(nproc) R_LIBS=$(RLIB_CURRENT) R CMD INSTALL --library=$(RLIB_CURRENT) $$tarball \
	      >$(RLIB_CURRENT)/install-$$p.log 2>&1 || { cat $(RLIB_CURRENT)/install-$$p.log; exit 1; }; \
	  done; \
	else \
	  MAKEFLAGS=-j$$(nproc) R_LIBS=$(RLIB_CURRENT) Rscript -e '$(R_CURRENT_CRAN)'; \
	fi
	R_LIBS=$(RLIB_CURRENT) Rscript -e '$(R_CURRENT_CHECK)'
	touch $@

# The package itself, for the examples, benchmarks and the main-job test.
# Installing the R package needs R only (no Python: nothing is loaded).
r-package: | apt
	mkdir -p $(RLIB)
	R CMD INSTALL --no-test-load --library=$(RLIB) . >/dev/null

lint: $(VENV)/.installed
	$(PY) -m ruff check kerasr_bridge tests benchmarks examples tools

# The layer functions of both languages and their help pages, from kerasr_bridge/declarations.py:
# tools/generate.py writes kerasr_bridge/layer_functions.py and R/layers.R, roxygen2 the Rd pages.
# Tests fail while any of them is stale. `make docs` is the older name.
# roxygen2 loads the package, which needs its bundled Python package (./configure's copy) where
# reticulate has py_require().
generate: r-package
	$(PYTHON) tools/generate.py
	sh tools/bundle-python.sh
	Rscript -e 'roxygen2::roxygenise()'

docs: generate

BUILD_EXCLUDE := ./.git './.venv*' './.rlib*' ./.uv-bin ./.uv-cache ./build ./out __pycache__ ./.hypothesis \
	./.pytest_cache ./.ruff_cache './*.egg-info'

# $(call rcheck,<build dir>,<environment>): R CMD build + R CMD check --no-manual.
# R CMD build copies its whole source folder before applying .Rbuildignore
# (minutes, with the venvs), so it builds from a copy without the set-up
# folders. The check runs the vignette's code; --no-build-vignettes only skips
# knitting it a second time (R CMD build has knitted it once).
define rcheck
rm -rf $(1) && mkdir -p $(1)/src
tar -C $(CURDIR) $(patsubst %,--exclude=%,$(BUILD_EXCLUDE)) -cf - . | tar -C $(1)/src -xf -
cd $(1) && $(2) R CMD build --no-manual src >/dev/null
cd $(1) && $(2) _R_CHECK_FUTURE_FILE_TIMESTAMPS_=false _R_CHECK_CRAN_INCOMING_=false \
  R CMD check --no-manual --no-build-vignettes kerasrbridge_*.tar.gz
@if grep -qE '^Status:.*(ERROR|WARNING)' $(1)/kerasrbridge.Rcheck/00check.log; then \
  echo "R CMD check in $(1) reported errors or warnings"; exit 1; fi
endef

test: test-debian test-current test-jax test-torch

test-debian: lint test-python-debian test-r-debian

# The parity suite gets a pytest process of its own: embedding R (rpy2) sets
# LD_LIBRARY_PATH to R's, and Pythons that other tests start would then load
# Debian's libpython instead of their own.
# -m "" replaces pytest.ini's -m "not process": this full run includes the tests that start processes.
test-python-debian: setup-debian
	$(DEBIAN_ENV) $(PY) -m pytest --doctest-modules kerasr_bridge $(PY_SUITE) -m ""
	$(DEBIAN_ENV) $(PY) -m pytest tests/parity
	$(DEBIAN_ENV) $(PY) -m pytest tests/install
	$(DEBIAN_ENV) $(PY) -m pytest tests/docs
	$(DEBIAN_ENV) $(PY) -m pytest tests/backends

# keras3 is not installed here (it needs reticulate >= 1.42), so it may not be
# forced; the current stack checks with it.
test-r-debian: setup-debian
	$(call rcheck,$(BUILD)/debian,$(DEBIAN_ENV) _R_CHECK_FORCE_SUGGESTS_=false)

test-current: setup-current
	$(CURRENT_ENV) $(PY_CURRENT) -m pytest tests/parity
	$(CURRENT_ENV) $(PY_CURRENT) -m pytest tests/install
	$(CURRENT_ENV) $(PY_CURRENT) -m pytest tests/docs
	$(CURRENT_ENV) $(PY_CURRENT) -m pytest tests/backends
	$(call rcheck,$(BUILD)/current,$(CURRENT_ENV))

# Their -m "not r" replaces pytest.ini's -m "not process": the tests that start processes run here too.
test-jax: setup-jax
	KERASRBRIDGE_STACK=jax KERAS_BACKEND=jax $(VENV_JAX)/bin/python -m pytest \
	  --doctest-modules kerasr_bridge $(PY_SUITE) -m "not r"
	KERASRBRIDGE_STACK=jax KERAS_BACKEND=jax RETICULATE_PYTHON=$(CURDIR)/$(VENV_JAX)/bin/python \
	  R_LIBS=$(RLIB_CURRENT):$(RLIB) $(VENV_JAX)/bin/python -m pytest tests/backends

test-torch: setup-torch
	KERASRBRIDGE_STACK=torch KERAS_BACKEND=torch $(VENV_TORCH)/bin/python -m pytest \
	  --doctest-modules kerasr_bridge $(PY_SUITE) -m "not r"
	KERASRBRIDGE_STACK=torch KERAS_BACKEND=torch RETICULATE_PYTHON=$(CURDIR)/$(VENV_TORCH)/bin/python \
	  R_LIBS=$(RLIB_CURRENT):$(RLIB) $(VENV_TORCH)/bin/python -m pytest tests/backends

# The contributor's check, under 3 minutes once set up: ruff, every R file parses, and the
# in-process Python suite, what a plain `pytest` runs (pytest.ini leaves out the tests that
# start processes), then the doctests. `make test` runs everything.
check: $(VENV)/.installed
	$(PY) -m ruff check kerasr_bridge tests benchmarks examples tools
	Rscript -e 'for (f in list.files(c("R", "tests", "examples", "benchmarks"), "[.]R$$", TRUE, TRUE, TRUE)) parse(f)'
	$(DEBIAN_ENV) $(PY) -m pytest -q
	$(DEBIAN_ENV) $(PY) -m pytest -q --doctest-modules kerasr_bridge

# The main job: train the MobileNet-style digits model from Python and from R,
# compare the final weights, write out/main_job.png (about a minute on 2 cores).
# It runs as in a user's shell: with the TF_CPP_MIN_LOG_LEVEL the user set, else none, so what
# keeps TensorFlow's start-up lines away is what keeps them away for a user (the
# scripts import kerasr_bridge before keras and TensorFlow).
demo: setup
	$(if $(USER_TF_LOG_LEVEL),TF_CPP_MIN_LOG_LEVEL=$(USER_TF_LOG_LEVEL),env -u TF_CPP_MIN_LOG_LEVEL) \
	  $(PY) examples/main_job.py

bench: setup
	$(PY) benchmarks/bench_python.py
	Rscript benchmarks/bench_r.R
	$(PY) benchmarks/leak_check.py --cycles 10000

clean:
	rm -rf $(BUILD) $(RLIB) $(RLIB_CURRENT) $(VENV) $(VENV_CURRENT) $(VENV_JAX) $(VENV_TORCH) $(VENV_UV) $(UV_BIN) .uv-cache
