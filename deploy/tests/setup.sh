#!/usr/bin/env bash
# Control-machine tools for the appliance test and for admins: ansible-core and ansible-lint,
# pinned with their sha256 in deploy/requirements.lock (compiled from deploy/requirements.txt),
# installed with --require-hashes in a venv at deploy/.cache/venv (git-ignored).
set -euo pipefail
deploy=$(cd "$(dirname "$0")/.." && pwd)
venv=$deploy/.cache/venv
stamp=$venv/.requirements.sha256
want=$(sha256sum "$deploy/requirements.lock" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r "$deploy/requirements.lock" 2> >(grep -v '^WARNING: Location .* is ignored' >&2)
  echo "$want" > "$stamp"
fi
echo "$venv"
