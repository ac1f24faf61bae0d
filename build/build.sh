#!/usr/bin/env bash
# Build the one-folder app into build/dist/onestop/ (run from anywhere).
#   PYTHON=path/to/python build/build.sh    (default: .venv/bin/python, as set up by ./dev)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
"$PYTHON" -m pip install -q -e ".[build]"
mkdir -p build/work
"$PYTHON" - <<'PY'
import json, datetime, app
json.dump({"version": app.__version__, "built": datetime.date.today().isoformat()},
          open("build/work/build_info.json", "w"))
PY
"$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
  --distpath build/dist --workpath build/work build/onestop.spec
# Outside Windows the console and the windowed executable are the same bytes: keep one and
# link the other (13 MB less; issue 18, point 6).
if cmp -s build/dist/onestop/onestop build/dist/onestop/onestop-cli; then
  ln -sf onestop build/dist/onestop/onestop-cli
fi
# Policies stay editable next to the executables: a county updates a file, not the build.
rm -rf build/dist/onestop/policies
cp -r policies build/dist/onestop/policies
echo "构建完成：build/dist/onestop/（运行 build/dist/onestop/onestop 或 onestop-cli）"
