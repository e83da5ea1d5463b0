#!/usr/bin/env bash
# Install everything the tests need, then run them. This is the README's test command
# and exactly what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium (map tests) and CJK fonts (Chinese labels in screenshots)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
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

status=0
python3 -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: failing on purpose" >&2
    exit 1
fi
exit "$status"
