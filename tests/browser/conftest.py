"""Fixtures of the browser tests: the example project served on a free port, and Chromium.

The tests drive Debian's Chromium (``/usr/bin/chromium``, or ``CHROMIUM`` in the environment)
through Playwright for Python, without ``playwright install``. Without either they are skipped,
unless ``COURSEHUB_REQUIRE_BROWSER=1`` says a missing browser is an error (CI installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PROJECT = REPO_ROOT / "example_project"

#: Access tokens of the served demo live this long, so the journey sees one expire and refresh.
ACCESS_TOKEN_SECONDS = 4

#: Flags for Chromium on a machine without a sandbox, GPU or outside network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


SETUP_SCRIPT = """
import django
from django.core.management import call_command

django.setup()
call_command("migrate", interactive=False, verbosity=0)
call_command("seed_demo", verbosity=0)
"""


def _unavailable(reason: str) -> None:
    if os.environ.get("COURSEHUB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (COURSEHUB_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        _unavailable("Chromium is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install playwright)")
    return path


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the tests write screenshots of each step, for people to look at."""
    folder = Path(os.environ.get("COURSEHUB_SCREENSHOT_DIR") or REPO_ROOT / "browser-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"The demo server stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/categories/", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"The demo server did not answer in time:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def demo_site(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example project, migrated and seeded in a temporary folder; answers its base URL."""
    data_dir = tmp_path_factory.mktemp("demo-site")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
        "COURSEHUB_DEMO_DATA_DIR": str(data_dir),
        "COURSEHUB_DEMO_ACCESS_TOKEN_SECONDS": str(ACCESS_TOKEN_SECONDS),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)  # always the throwaway SQLite file, never a shared database
    # One process for both commands: starting Django costs seconds on a busy machine.
    setup = subprocess.run(
        [sys.executable, "-c", SETUP_SCRIPT],
        env={**env, "PYTHONPATH": os.pathsep.join([str(EXAMPLE_PROJECT), *sys.path])},
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if setup.returncode:
        raise RuntimeError(f"migrate + seed_demo failed:\n{setup.stdout}{setup.stderr}")
    manage = [sys.executable, str(EXAMPLE_PROJECT / "manage.py")]

    port = _free_port()
    log = data_dir / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            cwd=data_dir,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
