"""An operator installs the built wheel (not the checkout) into a fresh venv and runs it from a
folder that is not the checkout: migrations, playbooks, the glossary and the server all work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.storage.migrate import head_revision

ROOT = Path(__file__).resolve().parents[2]
DRAFT = "We must enforce MFA and EDR on every laptop now."


@pytest.fixture(scope="module")
def wheel_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a fresh venv with only the built wheel (and its dependencies)."""
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT])
    [wheel] = dist.glob("prep_talk-*.whl")
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", venv])
    _run([venv / "bin" / "pip", "install", "-q", "-c", ROOT / "constraints.txt", wheel])
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

    with _serving(wheel_bin, tmp_path, env) as url:
        assert _get_json(f"{url}/healthz") == {"status": "ok"}
        assert _get_json(f"{url}/readyz") == {"status": "ready", "schema": head_revision()}


@contextmanager
def _serving(wheel_bin: Path, cwd: Path, env: dict[str, str]) -> Iterator[str]:
    """`prep-talk serve` on any free port; yields its URL once it says it is serving."""
    server = subprocess.Popen(
        [wheel_bin / "prep-talk", "serve", "--port", "0"],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        announced = server.stdout.readline()  # blocks until the server is ready (or exits)
        assert announced.startswith("prep-talk serving on http://"), server.communicate()[1]
        yield announced.split(" on ", 1)[1].strip()
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


def _get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())
