#!/usr/bin/env bash
# Control-machine tools for the appliance test and for admins: ansible-core and ansible-lint,
# pinned in deploy/requirements.txt, in a venv at deploy/.cache/venv (git-ignored).
set -euo pipefail
deploy=$(cd "$(dirname "$0")/.." && pwd)
venv=$deploy/.cache/venv
stamp=$venv/.requirements.sha256
want=$(sha256sum "$deploy/requirements.txt" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -r "$deploy/requirements.txt"
  echo "$want" > "$stamp"
fi
echo "$venv"
