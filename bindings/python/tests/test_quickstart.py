"""examples/quickstart.py runs against the embedded emulator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

QUICKSTART = Path(__file__).resolve().parents[3] / "examples" / "quickstart.py"


@pytest.mark.skipif(not QUICKSTART.is_file(), reason="examples/ is not beside these tests")
def test_quickstart_runs() -> None:
    env = {k: v for k, v in os.environ.items() if k != "LIVECHAT_TOKEN"}
    run = subprocess.run(
        [sys.executable, str(QUICKSTART)], env=env, capture_output=True, text=True, timeout=60, cwd=QUICKSTART.parent
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    for heading in ("Created:", "Bot agents:", "Details:", "Details after the update:", "Removed:"):
        assert heading in out
    assert "Quickstart Bot (renamed)" in out
    assert out.rstrip().endswith("[]")  # the list is empty again
