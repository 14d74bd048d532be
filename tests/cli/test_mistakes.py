"""Mistakes an operator can make get one line that says what to fix, and a non-zero exit.

No traceback, no password, and nothing changed: a wrong database URL, a SQLite file in a
folder that does not exist, a wrong encryption key, an empty draft, a playbook folder that
is not there, a Slack manifest without the public address, a reader that leaves early.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from bot.engine.flow import MAX_TEXT
from tests.cli.support import Done, PrepTalk, json_lines
from tests.support.postgres import TempPostgres

PASSWORD = "s3cret-pw"
DATABASE_COMMANDS = [
    ["notes", "list"],
    ["notes", "show", "1"],
    ["chat", "sales"],
    ["debrief", "1"],
    ["tenant", "set", "local:local", "--mission", "Keep families travelling"],
    ["user", "set", "--time-zone", "Europe/Paris"],
    ["nudges", "plan", "--now", "2026-11-10T10:00Z"],
    ["db", "upgrade"],
    ["keys", "rotate"],
    ["serve", "--port", "0"],
]


def one_line(done: Done, *words: str) -> str:
    """The command failed with exactly one line on stderr, containing `words`."""
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.startswith("prep-talk: ") and done.stderr.count("\n") == 1, done.stderr
    for word in words:
        assert word in done.stderr
    return done.stderr


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port nobody listens on (bound, so no one else takes it meanwhile): connecting is
    refused."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        yield unused.getsockname()[1]


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=" ".join)
def test_an_unreachable_postgresql_is_named_by_host_and_port_never_by_password(
    prep_talk: PrepTalk, monkeypatch: pytest.MonkeyPatch, closed_port: int, command: list[str]
) -> None:
    url = f"postgresql://prep:{PASSWORD}@127.0.0.1:{closed_port}/preptalk"
    monkeypatch.setenv("PREPTALK_DATABASE_URL", url)
    line = one_line(prep_talk(*command, stdin=json_lines([{"text": "hello"}])))
    assert line == (
        "prep-talk: PREPTALK_DATABASE_URL: cannot connect to PostgreSQL at "
        f"127.0.0.1:{closed_port} (connection refused)\n"
    )
    assert PASSWORD not in line


@pytest.mark.postgres
def test_a_postgresql_database_that_does_not_exist_is_one_line(
    prep_talk: PrepTalk, monkeypatch: pytest.MonkeyPatch, postgres_server: TempPostgres
) -> None:
    missing = f"missing_{uuid4().hex[:8]}"
    url = make_url(postgres_server.url).set(database=missing)
    monkeypatch.setenv("PREPTALK_DATABASE_URL", url.render_as_string(hide_password=False))
    one_line(
        prep_talk("notes", "list"),
        f"PREPTALK_DATABASE_URL: cannot connect to PostgreSQL at {url.host}:{url.port}",
        f'database "{missing}" does not exist',
    )


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=" ".join)
def test_a_sqlite_file_in_a_missing_folder_names_the_folder_and_creates_nothing(
    prep_talk: PrepTalk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: list[str]
) -> None:
    folder = tmp_path / "no-such-folder"
    monkeypatch.setenv("PREPTALK_DATABASE_URL", f"sqlite:///{folder}/prep-talk.db")
    one_line(prep_talk(*command), f"PREPTALK_DATABASE_URL: folder {folder} does not exist")
    assert not folder.exists()


@pytest.mark.parametrize("database", ["a folder", ":memory:", ""])
def test_a_sqlite_url_naming_no_file_is_one_line(
    prep_talk: PrepTalk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: str
) -> None:
    path = str(tmp_path) if database == "a folder" else database
    monkeypatch.setenv("PREPTALK_DATABASE_URL", f"sqlite:///{path}")
    says = f"{tmp_path} is a folder" if database == "a folder" else "name a SQLite file"
    one_line(prep_talk("notes", "list"), f"PREPTALK_DATABASE_URL: {says}")


SEALED_PREP_COMMANDS = [
    ["notes", "show", "1"],
    ["notes", "export", "1"],
    ["chat", "sales"],
    ["debrief", "1"],
    ["keys", "rotate"],
]


@pytest.mark.parametrize("command", SEALED_PREP_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("later_keys", ["another key", "no key"])
def test_a_prep_sealed_with_a_key_no_longer_configured_names_the_keys_never_the_text(
    prep_talk: PrepTalk, monkeypatch: pytest.MonkeyPatch, command: list[str], later_keys: str
) -> None:
    monkeypatch.setenv("PREPTALK_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    hypothesis = {"text": "They think the training is generic"}
    started = prep_talk("chat", "sales", "--json", stdin=json_lines([hypothesis]))
    assert started.returncode == 0, started.stderr
    if later_keys == "no key":
        monkeypatch.delenv("PREPTALK_ENCRYPTION_KEYS")
    else:
        monkeypatch.setenv("PREPTALK_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    done = prep_talk(*command)  # no exception: no traceback
    said = done.stdout + done.stderr
    assert "PREPTALK_ENCRYPTION_KEYS" in said and "generic" not in said
    assert done.stderr.count("\n") <= 1
    if command[0] == "keys":
        assert done.returncode != 0, "the old key must stay until everything is rotated"


def test_an_unusable_encryption_key_is_one_line_naming_it(
    prep_talk: PrepTalk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREPTALK_ENCRYPTION_KEYS", "not-a-fernet-key")
    one_line(prep_talk("notes", "list"), "PREPTALK_ENCRYPTION_KEYS: key 1 is not a Fernet key")


@pytest.mark.parametrize("folder", ["no-such-dir", "empty", "only-a-readme"])
def test_playbooks_validate_fails_on_a_folder_without_playbooks(
    prep_talk: PrepTalk, tmp_path: Path, folder: str
) -> None:
    if folder != "no-such-dir":
        (tmp_path / folder).mkdir()
    if folder == "only-a-readme":
        (tmp_path / folder / "README.md").write_text("Our playbooks will live here.\n")
    done = prep_talk("playbooks", "validate", f"./{folder}")
    one_line(done, folder)
    assert done.returncode == 1


def test_playbooks_validate_accepts_a_folder_with_a_playbook(
    prep_talk: PrepTalk, tmp_path: Path
) -> None:
    books = tmp_path / "books"
    books.mkdir()
    sales = Path(__file__).resolve().parents[2] / "playbooks" / "sales.yaml"
    (books / "procurement.yaml").write_text(
        sales.read_text().replace("id: sales", "id: procurement", 1)
    )
    done = prep_talk("playbooks", "validate", str(books))
    assert done.returncode == 0 and done.stdout.startswith("ok: ")


def check_json(prep_talk: PrepTalk, draft: str) -> dict[str, Any]:
    done = prep_talk("check", "--json", stdin=draft)
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def terms(document: dict[str, Any]) -> set[str]:
    return {finding.get("term") for finding in document["findings"]} - {None}


def test_check_cuts_a_long_draft_where_the_dialog_does_and_says_so(prep_talk: PrepTalk) -> None:
    head = "word " * (MAX_TEXT // 5)
    tail = "We must roll out EDR on every laptop. " * 150
    assert "EDR" in terms(check_json(prep_talk, tail))
    cut = check_json(prep_talk, head + tail)
    assert cut["trimmed"] is True and "EDR" not in terms(cut)
    assert {**cut, "trimmed": False} == check_json(prep_talk, head)
    told = prep_talk("check", stdin=head + tail)
    assert told.returncode == 0
    assert told.stdout.startswith(f"Your text was long, so I checked the first {MAX_TEXT:,}")


@pytest.mark.parametrize("draft", ["", "   \n\t  \n"])
def test_check_without_text_says_what_to_give(prep_talk: PrepTalk, draft: str) -> None:
    one_line(prep_talk("check", stdin=draft), "nothing to check")
    one_line(prep_talk("check", draft), "nothing to check")


def test_the_slack_manifest_needs_the_public_url_unless_socket_mode(
    prep_talk: PrepTalk, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_line(prep_talk("slack", "manifest"), "PREPTALK_PUBLIC_URL", "--socket-mode")
    monkeypatch.setenv("PREPTALK_PUBLIC_URL", "http://preptalk.example.com")
    one_line(prep_talk("slack", "manifest"), "PREPTALK_PUBLIC_URL", "https")

    monkeypatch.setenv("PREPTALK_PUBLIC_URL", "https://preptalk.example.com/")
    manifest = json.loads(prep_talk("slack", "manifest").stdout)
    events = "https://preptalk.example.com/slack/events"
    assert manifest["settings"]["event_subscriptions"]["request_url"] == events
    assert manifest["features"]["slash_commands"][0]["url"] == events
    assert manifest["oauth_config"]["redirect_urls"] == [
        "https://preptalk.example.com/slack/oauth_redirect"
    ]

    monkeypatch.delenv("PREPTALK_PUBLIC_URL")
    socket_mode = json.loads(prep_talk("slack", "manifest", "--socket-mode").stdout)
    assert socket_mode["settings"]["socket_mode_enabled"] is True
    assert "example.com" not in json.dumps(socket_mode), "no placeholder host"


def test_the_installed_command_runs_and_ends_quietly_when_its_reader_leaves(
    prep_talk: PrepTalk, tmp_path: Path
) -> None:
    """The one real process: the `prep-talk` entry point, as in `prep-talk notes list | head`."""
    assert prep_talk("chat", "sales", stdin="pause\n").returncode == 0
    command = [str(Path(sys.executable).with_name("prep-talk")), "notes", "list"]
    listed = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert listed.returncode == 0, listed.stderr
    assert "sales" in listed.stdout and "paused" in listed.stdout

    reader, writer = os.pipe()
    os.close(reader)  # `head` has read its lines and gone
    try:
        left = subprocess.run(
            command, stdout=writer, stderr=subprocess.PIPE, timeout=60, check=False
        )
    finally:
        os.close(writer)
    assert left.stderr == b"", "no traceback, no 'Exception ignored' at exit"
    assert left.returncode == 141, "the status a shell reports for a tool ended by SIGPIPE"
