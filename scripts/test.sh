#!/usr/bin/env bash
# Install everything the tests need, then check and test. This is the README's test command
# and exactly what CI runs (.ci/run):
#   1. Debian's chromium and CJK fonts (maps, screenshots); Neo4j's Cypher front end (npm,
#      in the background);
#   2. a venv of its own (build/test-venv) unless one is active, filled by uv (build/tools),
#      holding the package with the newest dependencies pyproject allows and the judging tools
#      pinned in scripts/test-requirements.txt;
#   3. mypy on the whole jiceng package, while the venv of step 5 fills in the background;
#   4. the suite on both cores (pytest-xdist), slow tests included;
#   5. the tests of what computes with pandas, numpy and pyarrow again, in a venv holding the
#      lowest versions pyproject declares (scripts/constraints-lowest.txt), so that those floors
#      stay true. JICENG_SKIP_LOWEST=1 skips this step (for a quick local run).
# Arguments are passed to both pytest runs.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT  # an install left running when a step fails

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

# Neo4j's Cypher front end on node, for tests/test_cypher_lint.py (pinned by its package-lock),
# installed while the venvs fill (waited for before the suite)
npm_pid=""
if command -v npm >/dev/null 2>&1; then
    npm ci --prefix tests/cypher --no-audit --no-fund --silent &
    npm_pid=$!
fi

# uv installs the same packages as pip from the same index, resolving and unpacking in parallel:
# a fresh venv takes about 40 s instead of about three minutes. It is kept in build/tools.
tools=build/tools
uv_version=0.13.9
if [ "$("$tools/bin/uv" --version 2>/dev/null)" != "uv $uv_version" ]; then
    [ -x "$tools/bin/python" ] || python3 -m venv "$tools"
    "$tools/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$uv_version"
fi

install() {  # python, then uv's extra arguments: the package, its test extras, the pinned tools
    local python=$1
    shift
    # --compile-bytecode: compiled once here, on both cores, rather than by every test process
    # (where PYTHONDONTWRITEBYTECODE is set, as on the machines this project is tested on, they
    # keep nothing they compile)
    "$tools/bin/uv" pip install --quiet --compile-bytecode --python "$python" "$@" \
        -e ".[test]" -r scripts/test-requirements.txt
}

run_pytest() {  # python, then pytest's arguments; pytest's exit 5 (no tests) is a failure
    local python=$1 status=0
    shift
    "$python" -m pytest --numprocesses auto --dist worksteal "$@" || status=$?
    if [ "$status" -eq 5 ]; then
        echo "pytest collected no tests: failing on purpose" >&2
        return 1
    fi
    return "$status"
}

if [ -n "${VIRTUAL_ENV:-}" ]; then
    python=$(command -v python)
else
    [ -x build/test-venv/bin/python ] || python3 -m venv build/test-venv
    python=build/test-venv/bin/python
fi
# --upgrade: a venv kept from an earlier run moves to the newest versions as a fresh one has them
install "$python" --upgrade

# The lowest versions' venv fills while mypy runs (mostly waiting on the network and the disk)
lowest=build/lowest-venv
lowest_pid=""
if [ -z "${JICENG_SKIP_LOWEST:-}" ]; then
    [ -x "$lowest/bin/python" ] || python3 -m venv "$lowest"
    install "$lowest/bin/python" -c scripts/constraints-lowest.txt >build/lowest-install.log 2>&1 &
    lowest_pid=$!
fi

echo "== mypy" >&2
"$python" -m mypy

if [ -n "$npm_pid" ]; then
    wait "$npm_pid"
fi
echo "== tests (newest versions)" >&2
run_pytest "$python" "$@"

if [ -n "$lowest_pid" ]; then
    echo "== tests (lowest declared pandas, numpy, pyarrow)" >&2
    if ! wait "$lowest_pid"; then
        cat build/lowest-install.log >&2
        echo "installing the lowest versions failed" >&2
        exit 1
    fi
    "$lowest/bin/python" - <<'PY'
import importlib.metadata as m
pins = dict(line.split("==") for line in open("scripts/constraints-lowest.txt")
            if "==" in line and not line.startswith("#"))
found = {name: m.version(name) for name in pins}
assert found == {k: v.strip() for k, v in pins.items()}, found
print("lowest versions:", ", ".join(f"{k} {v}" for k, v in found.items()))
PY
    # The graph, the loaders and the queries (their doctests too): what computes with these
    # libraries. The fuzzing of hostile input, the report formats, the CLI, the maps, the
    # notebook, the packaging and the docs run on the newest versions only: most of their tests
    # start a process each, and CI's time is bounded (README).
    run_pytest "$lowest/bin/python" -m "not slow and not browser and not neo4j and not falkordb" \
        src/jiceng/graphmodel src/jiceng/loaders src/jiceng/queries \
        tests/test_schema.py tests/test_validate.py tests/test_dataset.py \
        tests/test_synthetic.py tests/test_coverage.py tests/test_isolation.py \
        tests/test_reach.py tests/test_plan.py tests/test_rules.py tests/test_sources.py \
        tests/test_cache.py "$@"
fi
echo "scripts/test.sh: done in $((SECONDS - started)) s" >&2
