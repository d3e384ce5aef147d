"""Hash-pinned dependencies (issue 19 item 6): every package in both lock files carries its sha256,
and every install uses them — `make install` (so `make test` and `make run` on a fresh clone) with
`pip install --require-hashes`, so a tampered package is refused instead of installed. The
appliance's release build checks the same hashes (deploy/build-release; proven by the appliance test).
On a fresh clone the suite's own venv is the proof: `make test` installed it this way."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _requirements(lock: pathlib.Path) -> dict[str, list[str]]:
    """name==version -> its hashes, read as pip reads a lock file (continuation lines joined)."""
    text = re.sub(r"\\\n", " ", lock.read_text())
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        pin = line.split()[0]
        found[pin] = re.findall(r"--hash=sha256:([0-9a-f]{64})", line)
    return found


def test_every_pinned_package_carries_its_sha256():
    for name in ("requirements.lock", "requirements-dev.lock"):
        pins = _requirements(ROOT / name)
        assert len(pins) > 20, f"{name}: too few pins read ({len(pins)})"
        for pin, hashes in pins.items():
            assert "==" in pin, f"{name}: {pin} is not pinned to one version"
            assert hashes, f"{name}: {pin} has no hash"
    runtime = set(_requirements(ROOT / "requirements.lock"))
    assert runtime <= set(_requirements(ROOT / "requirements-dev.lock")), "the dev lock holds the runtime pins"


def test_every_install_uses_the_hashes():
    makefile = (ROOT / "Makefile").read_text()
    installs = [line.strip() for line in makefile.splitlines() if re.search(r"pip install .*-r requirements", line)]
    assert installs, "make install installs from a lock file"
    assert all("--require-hashes" in line for line in installs), installs
    assert "--generate-hashes" in makefile  # `make lock` writes them again
    release = (ROOT / "deploy" / "build-release").read_text()
    assert re.search(r"download .*--require-hashes .*-r \"\$repo/requirements.lock\"", release)
