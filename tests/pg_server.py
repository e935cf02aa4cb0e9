"""A throwaway PostgreSQL server for the tests, started on loopback in a temporary directory.

``postgres_server`` (session fixture) finds Debian's server binaries (``pg_ctl``, ``initdb``); when they are
missing and the tests run as root (CI containers), it installs Debian's ``postgresql`` package with apt-get.
Nothing is skipped: if no server can be had, every PostgreSQL test fails with the reason. Root cannot run
PostgreSQL, so as root the cluster belongs to the ``postgres`` user (created by the package) and the
commands run through ``runuser``. ``ENRICH_TEST_POSTGRES_URL`` (e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) points the tests at an existing server instead.

``postgres_url`` (function fixture) hands each test a fresh, empty database on that server.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from apt_packages import apt_install

_counter = itertools.count()


def _server_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and Path(os.path.realpath(found)).with_name("initdb").exists():
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


def _install() -> None:
    apt_install(["postgresql"], "PostgreSQL server binaries (pg_ctl, initdb) not found (or set ENRICH_TEST_POSTGRES_URL "
                "to a scratch server)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.fail(f"{what} failed (exit {done.returncode}): {' '.join(command)}\n{done.stdout[-2000:]}\n"
                    f"{done.stderr[-2000:]}", pytrace=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a running PostgreSQL server's ``postgres`` database (a superuser, trust auth, loopback only)."""
    external = os.environ.get("ENRICH_TEST_POSTGRES_URL")
    if external:
        yield external
        return
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("psycopg is not installed: pip install -e '.[postgres]' (or 'psycopg[binary]')", pytrace=False)
    bindir = _server_bin()
    if bindir is None:
        _install()
        bindir = _server_bin()
        if bindir is None:
            pytest.fail("apt-get installed 'postgresql' but no pg_ctl/initdb was found under /usr/lib/postgresql",
                        pytrace=False)
    owner = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="enrich-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if owner:
        shutil.chown(root, owner)
        shutil.chown(sockets, owner)
    port = _free_port()
    _run(_as_owner([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                    "--no-sync"], owner), "initdb")
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=50")
    _run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "server.log"),
                    "-w", "-t", "60", "start"], owner), f"starting PostgreSQL (log: {root / 'server.log'})")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], owner),
                       capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh empty database on the test server, dropped after the test."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"enrich_test_{os.getpid()}_{next(_counter)}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    try:
        yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
