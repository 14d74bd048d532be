"""`prep-talk teams package`: a zip Teams accepts, built from settings.

The manifest is validated against Microsoft's published v1.30 schema (fetched from npm by
`make teams-schema`), and against what matters here beyond it (semver, https URLs,
commands the bot understands); the icons are read back from their PNG headers and pixels.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from bot.channels.teams.package import MANIFEST_VERSION, PERSONAL_COMMANDS
from bot.cli.main import main
from bot.commands import parse_command
from bot.playbook.library import PlaybookLibrary
from tests.support.missing_tool import missing_tool
from tests.teams.support import APP_ID

SCHEMA_CACHE = Path(__file__).resolve().parents[2] / ".cache" / "teams"
OFFICIAL_SCHEMA = SCHEMA_CACHE / f"MicrosoftTeams.v{MANIFEST_VERSION}.schema.json"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
HTTPS = re.compile(r"^https://\S+$")


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("MICROSOFT_APP_ID", "PREPTALK_PUBLIC_URL", "MICROSOFT_APP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    monkeypatch.setenv("PREPTALK_PUBLIC_URL", "https://preptalk.example.com")
    return tmp_path


def package(out: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    assert main(["teams", "package", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files["manifest.json"]), files


def png_header(data: bytes) -> tuple[int, int, int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, colour


def rgba_pixels(data: bytes) -> list[tuple[int, int, int, int]]:
    width, _, _, _ = png_header(data)
    position, idat = 8, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            idat += data[position + 8 : position + 8 + length]
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 4 + 1
    pixels = []
    for row in range(len(raw) // stride):
        line = raw[row * stride + 1 : (row + 1) * stride]  # our rows use filter 0
        pixels += [tuple(line[i : i + 4]) for i in range(0, len(line), 4)]
    return pixels  # type: ignore[return-value]


def test_the_package_holds_a_complete_manifest_and_both_icons(environment: Path) -> None:
    manifest, files = package(environment / "prep-talk.zip")
    assert set(files) == {"manifest.json", "color.png", "outline.png"}
    assert manifest["manifestVersion"] == MANIFEST_VERSION == "1.30"
    assert manifest["$schema"].endswith("/v1.30/MicrosoftTeams.schema.json")
    assert SEMVER.match(manifest["version"]), "the schema asks for semver but does not check it"
    developer = manifest["developer"]
    assert all(HTTPS.match(developer[k]) for k in ("websiteUrl", "privacyUrl", "termsOfUseUrl"))
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}


def test_bot_tab_and_sso_name_the_same_app_and_the_public_host(environment: Path) -> None:
    manifest, _ = package(environment / "prep-talk.zip")
    [bot] = manifest["bots"]
    assert bot["botId"] == manifest["id"] == manifest["webApplicationInfo"]["id"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team"}
    [tab] = manifest["configurableTabs"]
    assert tab["configurationUrl"] == "https://preptalk.example.com/tab/config"
    assert tab["scopes"] == ["team"] and tab["context"] == ["channelTab"]
    assert manifest["validDomains"] == ["preptalk.example.com"]
    assert manifest["webApplicationInfo"]["resource"] == f"api://preptalk.example.com/{APP_ID}"


def test_the_command_lists_are_words_the_bot_understands(
    environment: Path, library: PlaybookLibrary
) -> None:
    manifest, _ = package(environment / "prep-talk.zip")
    lists = {
        tuple(entry["scopes"]): entry["commands"] for entry in manifest["bots"][0]["commandLists"]
    }
    assert set(lists) == {("personal",), ("team",)}

    class Playbooks:
        playbooks = library

    for commands in lists.values():
        assert 0 < len(commands) <= 10
        for command in commands:
            parsed = parse_command(command["title"], Playbooks())  # type: ignore[arg-type]
            assert parsed is not None and parsed.word.value == command["title"]
    assert [c["title"] for c in lists[("personal",)]] == [w.value for w in PERSONAL_COMMANDS]
    assert {"prep", "rehearse", "debrief", "check", "help"} <= set(PERSONAL_COMMANDS)
    assert {c["title"] for c in lists[("team",)]} == {"list", "check", "help"}


def test_the_icons_have_the_sizes_and_the_outline_is_white_on_transparent(
    environment: Path,
) -> None:
    _, files = package(environment / "prep-talk.zip")
    assert png_header(files["color.png"]) == (192, 192, 8, 6)
    assert png_header(files["outline.png"]) == (32, 32, 8, 6)
    outline = rgba_pixels(files["outline.png"])
    assert len(outline) == 32 * 32
    assert all(pixel[:3] == (255, 255, 255) for pixel in outline)
    assert outline[0][3] == 0  # the corner is transparent
    assert any(pixel[3] == 255 for pixel in outline)  # and there is an outline
    colour = rgba_pixels(files["color.png"])
    assert all(pixel[3] == 255 for pixel in colour)  # the colour icon is opaque


@pytest.mark.parametrize(
    ("unset", "value", "named"),
    [
        ("PREPTALK_PUBLIC_URL", None, "PREPTALK_PUBLIC_URL"),
        ("PREPTALK_PUBLIC_URL", "http://preptalk.example.com", "PREPTALK_PUBLIC_URL"),
        ("MICROSOFT_APP_ID", None, "MICROSOFT_APP_ID"),
        ("MICROSOFT_APP_ID", "my-bot", "MICROSOFT_APP_ID"),
    ],
)
def test_a_missing_or_wrong_setting_is_named_and_no_package_is_written(
    environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    unset: str,
    value: str | None,
    named: str,
) -> None:
    if value is None:
        monkeypatch.delenv(unset)
    else:
        monkeypatch.setenv(unset, value)
    assert main(["teams", "package", "--out", str(environment / "x.zip")]) == 2
    assert capsys.readouterr().err.startswith(f"prep-talk: {named}:")
    assert not (environment / "x.zip").exists()


def official_schema() -> dict[str, Any]:
    if not OFFICIAL_SCHEMA.is_file():
        missing_tool(f"{OFFICIAL_SCHEMA} missing: run `make teams-schema` (needs npm)")
    schema: dict[str, Any] = json.loads(OFFICIAL_SCHEMA.read_text())
    return schema


def test_the_manifest_is_valid_by_microsofts_published_schema(environment: Path) -> None:
    validator = Draft4Validator(official_schema(), format_checker=Draft4Validator.FORMAT_CHECKER)
    manifest, _ = package(environment / "app.zip")

    assert [error.message for error in validator.iter_errors(manifest)] == []
    broken = {**manifest, "name": {"short": "p" * 31}, "accentColor": "teal", "bots": "one"}
    assert len(list(validator.iter_errors(broken))) == 3, "name too long, not #RRGGBB, not a list"
