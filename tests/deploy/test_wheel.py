"""An operator installs the built wheel (not the checkout) into a fresh venv and runs it from a
folder that is not the checkout: migrations, playbooks, the glossary and the server all work,
with the extras the image installs (a model switched on by its settings alone)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.storage.migrate import head_revision

ROOT = Path(__file__).resolve().parents[2]
DRAFT = "We must enforce MFA and EDR on every laptop now."


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip wheel` builds from the project's files alone, as the image's build stage
    does: no egg-info or build/ folder left by an editable install may fill in for them."""
    source = tmp_path_factory.mktemp("source")
    for name in _tracked("."):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, source])
    [built] = dist.glob("prep_talk-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_bin(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a fresh venv with only the built wheel (and its dependencies),
    with the extras the Dockerfile installs it with.

    Our own pip installs into it: the venv needs no pip of its own set up."""
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    _run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q",
          "-c", ROOT / "constraints.txt", f"{wheel}[{','.join(_image_extras())}]"])  # fmt: skip
    return venv / "bin"


def test_the_wheel_lists_every_package_of_the_source_tree() -> None:
    """pyproject names packages one by one (to map playbooks/ and migrations/ in): a new
    subpackage left off that list would be missing from the wheel."""
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    in_tree = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "bot").rglob("__init__.py")
    }
    assert in_tree <= listed


def test_the_wheel_ships_every_file_of_the_package_and_its_data(wheel: Path) -> None:
    """Templates, static files, playbooks and migrations: each file git tracks under bot/,
    playbooks/ and migrations/ is in the wheel, at its package's place."""
    tracked = _tracked("bot", "playbooks", "migrations")
    places = {"playbooks/": "bot/shipped/playbooks/", "migrations/": "bot/shipped/migrations/"}
    wanted = set()
    for name in tracked:
        prefix = next((p for p in places if name.startswith(p)), None)
        wanted.add(places[prefix] + name.removeprefix(prefix) if prefix else name)
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    assert sorted(wanted - shipped) == []


def test_the_installed_wheel_runs_from_any_folder(
    wheel_bin: Path, empty_database_url: str, tmp_path: Path
) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "TMPDIR": "/tmp",
           "PREPTALK_DATABASE_URL": empty_database_url}  # fmt: skip
    where = _run([wheel_bin / "python", "-c", "import bot; print(bot.__file__)"], tmp_path, env)
    assert str(wheel_bin.parent) in where and str(ROOT) not in where

    _run([wheel_bin / "prep-talk", "db", "upgrade"], tmp_path, env)
    books = _run([wheel_bin / "prep-talk", "playbooks", "list"], tmp_path, env)
    assert "sales" in books and "finance" in books
    checked = _run(
        [wheel_bin / "prep-talk", "check", "--stakeholder", "sales", "--json"], tmp_path, env, DRAFT
    )
    terms = {finding.get("term") for finding in json.loads(checked)["findings"]}
    assert {"MFA", "EDR"} <= terms, "the glossary ships in the wheel"


def test_the_images_command_migrates_and_serves_beyond_loopback(
    wheel_bin: Path, empty_database_url: str, tmp_path: Path
) -> None:
    """Exactly the Dockerfile's CMD, run against the installed wheel (no Docker engine here),
    with a model configured: the image needs nothing more than the settings for it."""
    env = {"PATH": f"{wheel_bin}:{os.environ['PATH']}", "HOME": str(tmp_path), "TMPDIR": "/tmp",
           "PREPTALK_DATABASE_URL": empty_database_url, "PREPTALK_PORT": "0",
           "PREPTALK_LLM_BASE_URL": "http://127.0.0.1:9/v1", "PREPTALK_LLM_MODEL": "approved",
           "PREPTALK_LLM_API_KEY": "sk-image-test"}  # fmt: skip
    with _serving(_image_command(), tmp_path, env) as url:
        local = url.replace("0.0.0.0", "127.0.0.1")
        assert _get_json(f"{local}/healthz") == {"status": "ok"}
        assert _get_json(f"{local}/readyz") == {"status": "ready", "schema": head_revision()}
        # Served on 0.0.0.0, the playground answers the name clients use, not only localhost.
        page = urllib.request.Request(f"{local}/", headers={"Host": "prep-talk.internal"})
        with urllib.request.urlopen(page, timeout=10) as response:
            assert response.status == 200 and b"prep-talk playground" in response.read()


def test_the_image_installs_the_model_client() -> None:
    assert "llm" in _image_extras()


def _image_extras() -> list[str]:
    """The extras the Dockerfile's runtime stage installs the wheel with."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    [extras] = re.findall(r"pip install --no-index .*prep_talk-\*\.whl\)\[([\w,]+)\]", dockerfile)
    return extras.split(",")


def _image_command() -> list[str]:
    [cmd] = [
        line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")
    ]
    command: list[str] = json.loads(cmd.removeprefix("CMD "))
    return command


@contextmanager
def _serving(command: list[str], cwd: Path, env: dict[str, str]) -> Iterator[str]:
    """A `prep-talk serve` command (on port 0); yields its URL once it says it is serving."""
    server = subprocess.Popen(
        command,
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        for line in server.stdout:  # until the server says it is ready, or exits
            if line.startswith("prep-talk serving on http://"):
                yield line.split(" on ", 1)[1].strip()
                return
        pytest.fail(f"the server exited without serving: {server.communicate()[1][-2000:]}")
    finally:
        server.terminate()
        server.communicate(timeout=30)


def _run(
    argv: list[object], cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str = ""
) -> str:
    done = subprocess.run(
        [str(part) for part in argv], cwd=cwd, env=env, input=stdin,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, f"{argv[:3]} exited {done.returncode}: {done.stderr[-2000:]}"
    return done.stdout


def _tracked(*paths: str) -> list[str]:
    """The project's files under `paths`, new ones included (git's list, so no caches,
    virtual environments or other local leftovers)."""
    return subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *paths],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip


def _get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())
