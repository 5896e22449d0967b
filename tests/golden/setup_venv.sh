#!/usr/bin/env bash
# Creates <repo>/.venv with PyRadiomics 3.1.0 and pinned dependencies (see requirements.txt).
# Idempotent: re-running on a complete venv only verifies it.
#
# Why not just `pip install pyradiomics==3.1.0`: PyPI has only an sdist for 3.1.0, and that
# sdist's pyproject.toml declares version "3.0.1a1", so pip discards it ("inconsistent
# version"). Its setup.py also imports numpy at build time. So this script
#   1. installs numpy<2 (1.26.4), the other pinned dependencies and the build requirements
#      (setuptools, wheel, versioneer: pip download has to run setup.py for metadata),
#   2. downloads the official 3.1.0 sdist (sha256-checked) with pip,
#   3. repairs the sdist: sets the declared version in its pyproject.toml to 3.1.0 (its
#      radiomics/_version.py already says v3.1.0, git 6a761c4) and adds the two C headers the
#      sdist forgot (radiomics/src/cmatrices.h, cshape.h; without them the C extensions do not
#      compile). The headers are committed next to this script, copied verbatim from the git
#      tag v3.1.0 (6a761c4eb01905cfcb1139b0b158547c55edd4df; git blob ids checked below).
#      Apart from these, the sdist's radiomics/ equals the tag's radiomics/ (checked with diff).
#   4. builds and installs it with --no-build-isolation against the installed numpy.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$REPO_ROOT/.venv"
REQ="$REPO_ROOT/tests/golden/requirements.txt"
PYTHON="${PYTHON:-python3}"
SDIST_URL="https://files.pythonhosted.org/packages/03/c1/20fc2c50ab1e3304da36d866042a1905a2b05a1431ece35448ab6b4578f2/pyradiomics-3.1.0.tar.gz"
SDIST_SHA256="24722c962a6bbd09bc39c1c67dbffe92435f9692a421fabaae8a6b4511eb48e4"

if [ ! -x "$VENV/bin/python" ]; then
  echo "[setup_venv] creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
PIP=("$PY" -m pip --disable-pip-version-check)

# Dependencies (everything in requirements.txt except pyradiomics itself).
DEPS="$(mktemp)"
trap 'rm -f "$DEPS"' EXIT
grep -v -E '^\s*(#|$)|^pyradiomics' "$REQ" > "$DEPS"
"${PIP[@]}" install -q -r "$DEPS"

if "$PY" - <<'PYEOF' 2>/dev/null
import importlib.metadata as md, radiomics, radiomics._cmatrices, radiomics._cshape
assert radiomics.__version__ == 'v3.1.0', radiomics.__version__
assert md.version('pyradiomics') == '3.1.0'
PYEOF
then
  echo "[setup_venv] pyradiomics 3.1.0 already installed"
else
  echo "[setup_venv] building pyradiomics 3.1.0 from sdist"
  WORK="$(mktemp -d)"
  trap 'rm -f "$DEPS"; rm -rf "$WORK"' EXIT
  "${PIP[@]}" download -q --no-deps --no-build-isolation -d "$WORK" \
    "pyradiomics @ ${SDIST_URL}#sha256=${SDIST_SHA256}"
  echo "${SDIST_SHA256}  $WORK/pyradiomics-3.1.0.tar.gz" | sha256sum -c -
  tar -xzf "$WORK/pyradiomics-3.1.0.tar.gz" -C "$WORK"
  SRC="$WORK/pyradiomics-3.1.0"
  sed -i 's/^version = "3.0.1a1"$/version = "3.1.0"/' "$SRC/pyproject.toml"
  grep -q '^version = "3.1.0"$' "$SRC/pyproject.toml"
  HDR="$REPO_ROOT/tests/golden/pyradiomics-3.1.0-headers"
  [ "$(git hash-object "$HDR/cmatrices.h")" = 60bac8a344350a26ffcb416a5a1346d0f3a11310 ]
  [ "$(git hash-object "$HDR/cshape.h")" = a05927a0c0540a949c1d79ed466f82b7ce82cba1 ]
  cp "$HDR/cmatrices.h" "$HDR/cshape.h" "$SRC/radiomics/src/"
  # setup.py imports the sdist's bundled versioneer.py (0.17); put it first on the path.
  PYTHONPATH="$SRC" "${PIP[@]}" install -q --no-deps --no-build-isolation "$SRC"
fi

"$PY" - <<'PYEOF'
import importlib.metadata as md
import numpy, SimpleITK, pywt, yaml, pykwalify, radiomics
from radiomics import featureextractor  # noqa: F401  (checks the C extensions load)
assert radiomics.__version__ == 'v3.1.0', radiomics.__version__
print('[setup_venv] ok: pyradiomics %s (%s), numpy %s, SimpleITK %s, PyWavelets %s, PyYAML %s, pykwalify %s'
      % (md.version('pyradiomics'), radiomics.__version__, numpy.__version__, SimpleITK.Version_VersionString(),
         pywt.__version__, yaml.__version__, md.version('pykwalify')))
PYEOF
