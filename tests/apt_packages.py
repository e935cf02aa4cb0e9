"""Installing a Debian package the tests need (a PostgreSQL server, a browser) when it is missing.

CI containers run the tests as root on a fresh machine, so there the tests install what they need with apt-get;
anywhere else they fail saying what to install. Nothing is skipped.
"""

from __future__ import annotations

import os
import subprocess

import pytest


def apt_install(packages: list[str], missing: str) -> None:
    """``apt-get install`` ``packages`` as root, or fail the test saying ``missing`` and how to install them."""
    if os.geteuid() != 0:
        pytest.fail(f"{missing}, and the tests are not root, so they cannot install Debian's {' '.join(packages)}; "
                    f"install it: sudo apt-get install -y {' '.join(packages)}", pytrace=False)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    steps = (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages])
    for step in steps:
        done = subprocess.run(step, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            pytest.fail(f"installing {' '.join(packages)} failed at `{' '.join(step)}` (exit {done.returncode}):\n"
                        f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}", pytrace=False)
