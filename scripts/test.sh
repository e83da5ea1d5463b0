#!/usr/bin/env bash
# Install everything the tests need, then check and test. This is the README's test command
# and exactly what CI runs (.ci/run):
#   1. Debian's chromium and CJK fonts (maps, screenshots), the package with its test extras;
#   2. mypy on the whole jiceng package;
#   3. the suite on the newest versions pyproject allows;
#   4. the suite again in a venv holding the lowest versions pyproject declares for pandas,
#      numpy and pyarrow (scripts/constraints-lowest.txt), so that those floors stay true.
#      JICENG_SKIP_LOWEST=1 skips this step (for a quick local run).
# Arguments are passed to both pytest runs.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium (map tests) and CJK fonts (Chinese labels in screenshots)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)  # (grep -q in a pipe
# would break fc-list's pipe under pipefail and reinstall every time)
if ((${#missing[@]})); then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing ${missing[*]} (apt-get)" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"

# Neo4j's Cypher front end on node, for tests/test_cypher_lint.py (pinned by its package-lock)
if command -v npm >/dev/null 2>&1; then
    npm ci --prefix tests/cypher --no-audit --no-fund --silent
fi

run_pytest() {  # python, then pytest's arguments; pytest's exit 5 (no tests) is a failure
    local python=$1 status=0
    shift
    "$python" -m pytest "$@" || status=$?
    if [ "$status" -eq 5 ]; then
        echo "pytest collected no tests: failing on purpose" >&2
        return 1
    fi
    return "$status"
}

echo "== mypy" >&2
python3 -m mypy

echo "== tests (newest versions)" >&2
run_pytest python3 "$@"

if [ -z "${JICENG_SKIP_LOWEST:-}" ]; then
    echo "== tests (lowest declared pandas, numpy, pyarrow)" >&2
    lowest=build/lowest-venv
    [ -x "$lowest/bin/python" ] || python3 -m venv "$lowest"
    "$lowest/bin/python" -m pip install --quiet --disable-pip-version-check \
        -c scripts/constraints-lowest.txt -e ".[test]"
    "$lowest/bin/python" - <<'PY'
import importlib.metadata as m
pins = dict(line.split("==") for line in open("scripts/constraints-lowest.txt")
            if "==" in line and not line.startswith("#"))
found = {name: m.version(name) for name in pins}
assert found == {k: v.strip() for k, v in pins.items()}, found
print("lowest versions:", ", ".join(f"{k} {v}" for k, v in found.items()))
PY
    run_pytest "$lowest/bin/python" "$@"
fi
