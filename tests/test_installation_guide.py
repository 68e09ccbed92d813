"""docs/installation.md, followed to the letter on a brand-new Django project.

The guide's own code blocks are pasted into the files ``startproject`` made, its commands are run,
and the site is then served by ``runserver`` and called over real HTTP. A guide that drifts from
the package (a missing app, a wrong import, a setting that no longer exists) fails here.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
import pytest

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "installation.md"
FENCE = re.compile(r'^```(\w+)(?: title="([^"]+)")?\n(.*?)^```', re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    language: str
    title: str
    code: str


def guide_blocks() -> list[Block]:
    text = GUIDE.read_text(encoding="utf-8")
    return [Block(m[1], m[2] or "", m[3]) for m in FENCE.finditer(text)]


def blocks_titled(title: str) -> list[str]:
    return [block.code for block in guide_blocks() if block.title == title]


def commands() -> list[str]:
    return [
        line.strip()
        for block in guide_blocks()
        if block.language == "console"
        for line in block.code.splitlines()
        if line.strip().startswith("python manage.py")
    ]


def installed_apps_of_step_2() -> list[str]:
    """The app names of the guide's INSTALLED_APPS block ("... yours ..." stands for the host's)."""
    block = next(code for code in blocks_titled("settings.py") if "INSTALLED_APPS" in code)
    apps = re.findall(r'^\s*"([\w.]+)",', block, re.MULTILINE)
    # The guide's prose: "On Django 5.2 also add "django_tasks"" (Django 6 has it built in).
    return apps + (["django_tasks"] if django.VERSION < (6,) else [])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Site:
    folder: Path
    base_url: str

    def manage(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=self.folder,
            env=site_environment(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def call(
        self, method: str, path: str, body: Any = None, *, token: str = "", language: str = ""
    ) -> tuple[int, dict[str, Any]]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if language:
            headers["Accept-Language"] = language
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def site_environment() -> dict[str, str]:
    # The new site is its own project: nothing of the test run's settings may leak into it.
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH", "DATABASE_URL"}
    }
    environment["PYTHONUNBUFFERED"] = "1"
    return environment


def follow_the_guide(folder: Path, urls_variant: int) -> None:
    """Steps 2, 4, 5, 9 and 10: the guide's blocks, pasted where their titles say."""
    settings_file = folder / "school" / "settings.py"
    settings_code = settings_file.read_text(encoding="utf-8")
    settings_code += f"\nINSTALLED_APPS += {installed_apps_of_step_2()!r}\n"
    for block in blocks_titled("settings.py"):
        if "INSTALLED_APPS" not in block:
            settings_code += "\n" + block
    settings_file.write_text(settings_code, encoding="utf-8")
    (folder / "school" / "urls.py").write_text(
        blocks_titled("urls.py")[urls_variant], encoding="utf-8"
    )


@pytest.fixture(scope="module", params=[0, 1], ids=["own-ninja-api", "included-urls"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    tmp_path = tmp_path_factory.mktemp("new-site")
    subprocess.run(
        [sys.executable, "-m", "django", "startproject", "school", str(tmp_path)],
        env=site_environment(),
        check=True,
        capture_output=True,
    )
    follow_the_guide(tmp_path, urls_variant=request.param)
    site = Site(tmp_path, "")
    for command in commands():
        result = site.manage(*command.split()[2:])
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=site_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    site.base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_listening(port, server)
        yield site
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_listening(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"runserver stopped: {server.stderr.read() if server.stderr else ''}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail("runserver did not start listening within 60 seconds")


def make_instructor(site: Site, username: str) -> None:
    """Step 6, the guide's own code, run in the site's shell for one user."""
    step_6 = next(
        block.code
        for block in guide_blocks()
        if block.language == "python" and "add_course" in block.code
    )
    program = (
        "from django.contrib.auth import get_user_model\n"
        f"user = get_user_model().objects.get(username={username!r})\n" + step_6
    )
    result = site.manage("shell", "-c", program)
    assert result.returncode == 0, result.stderr


def test_the_guide_has_the_blocks_this_test_follows():
    assert len(blocks_titled("urls.py")) == 2
    assert {"ordered_model", "ninja_jwt", "ninja_jwt.token_blacklist", "django_coursehub"} <= set(
        installed_apps_of_step_2()
    )
    assert commands()[:2] == ["python manage.py migrate", "python manage.py check"]


def test_a_new_site_set_up_by_the_guide_serves_the_whole_api(site):
    status, schema = site.call("GET", "/api/openapi.json")
    assert status == 200
    assert "/api/courses/" in schema["paths"]

    account = {"username": "madina", "email": "madina@example.uz", "password": "Kitob-2026-oq"}
    assert site.call("POST", "/api/auth/register/", account)[0] == 201
    status, tokens = site.call(
        "POST", "/api/auth/login/", {"username": "madina", "password": account["password"]}
    )
    assert status == 200
    access = tokens["access"]

    assert site.call("POST", "/api/courses/", {"title": "Python asoslari"}, token=access)[0] == 403
    make_instructor(site, "madina")
    status, course = site.call("POST", "/api/courses/", {"title": "Python asoslari"}, token=access)
    assert status == 201
    assert course["slug"] == "python-asoslari"

    status, profile = site.call("GET", "/api/auth/profile/", token=access)
    assert (status, profile["is_instructor"]) == (200, True)

    status, refreshed = site.call("POST", "/api/auth/refresh/", {"refresh": tokens["refresh"]})
    assert status == 200
    assert refreshed["access"]


def test_a_new_site_set_up_by_the_guide_answers_in_the_clients_language(site):
    for language, message in [("uz", "Kurs topilmadi."), ("ru", "Курс не найден.")]:
        status, body = site.call("GET", "/api/courses/987654/", language=language)
        assert (status, body["detail"]) == (404, message)


def test_a_new_site_set_up_by_the_guide_answers_json_everywhere_under_the_prefix(site):
    # startproject's DEBUG is on: APPEND_SLASH would fail this POST with an HTML error page.
    status, body = site.call("POST", "/api/auth/register", {"username": "nodira"})
    assert (status, body["code"]) == (404, "not_found")
    assert body["detail"].endswith(": /api/auth/register/")  # the path it meant

    status, body = site.call("DELETE", "/api/courses/")
    assert (status, body["code"]) == (405, "method_not_allowed")
