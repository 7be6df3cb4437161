#!/bin/sh
# Bundles the Python package into the R package: copies kerasr_bridge/ and
# pyproject.toml from the repository root (the one source git holds) into
# inst/python, which R then installs as <library>/kerasrbridge/python (where
# R/python.R finds it). Run by ./configure and ./configure.win, so on every
# install: `R CMD INSTALL .` from a checkout and the `R CMD build` tarball alike
# (the tarball carries the root copy only: .Rbuildignore leaves inst/python out).
# Byte-compiled files are left behind. inst/python is generated; git ignores it.
set -e
test -f pyproject.toml && test -f kerasr_bridge/__init__.py || {
  echo "kerasrbridge: kerasr_bridge/ and pyproject.toml must sit beside DESCRIPTION" >&2
  exit 1
}
rm -rf inst/python
mkdir -p inst/python
cp pyproject.toml inst/python/
cp -R kerasr_bridge inst/python/
find inst/python -name __pycache__ -prune -exec rm -rf {} +
