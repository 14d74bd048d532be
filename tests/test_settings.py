"""Settings from the environment: defaults, driver choice, and one clear line when wrong."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.settings import SettingsError, load_settings

LLM = {
    "PREPTALK_LLM_BASE_URL": "https://models.acme.example/openai/v1",
    "PREPTALK_LLM_MODEL": "gpt-acme",
    "PREPTALK_LLM_API_KEY": "sk-acme-b7e2",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "PREPTALK_DATABASE_URL",
        "PREPTALK_ENCRYPTION_KEYS",
        "PREPTALK_PORT",
        "PREPTALK_PLAYGROUND",
        "SLACK_BOT_TOKEN",
        "MICROSOFT_APP_ID",
        *LLM.values(),
        "PREPTALK_LLM_TIMEOUT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir("/")  # no stray .env


def test_defaults_are_a_local_sqlite_file_and_the_playground_on_loopback() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite+preptalk:///prep-talk.db"
    assert (settings.host, settings.port) == ("127.0.0.1", 3978)
    assert settings.playground_enabled and settings.host_is_loopback


def test_plain_postgres_urls_get_the_async_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREPTALK_DATABASE_URL", "postgresql://u:p@db/prep")
    assert load_settings().database_url == "postgresql+asyncpg://u:p@db/prep"


@pytest.mark.parametrize("written", ["sqlite:///data/prep.db", "sqlite+aiosqlite:///data/prep.db"])
def test_sqlite_urls_plain_or_of_earlier_releases_get_our_driver(
    monkeypatch: pytest.MonkeyPatch, written: str
) -> None:
    monkeypatch.setenv("PREPTALK_DATABASE_URL", written)
    assert load_settings().database_url == "sqlite+preptalk:///data/prep.db"


def test_platform_credentials_turn_the_playground_off_unless_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "shh")
    assert not load_settings().playground_enabled
    monkeypatch.setenv("PREPTALK_PLAYGROUND", "1")
    assert load_settings().playground_enabled


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PREPTALK_PORT", "eighty"),
        ("PREPTALK_DATABASE_URL", "mysql://db/prep"),
        ("PREPTALK_ENCRYPTION_KEYS", "not-a-key"),
        ("PREPTALK_PLAYGROUND", "maybe"),
        ("PREPTALK_LOG_FORMAT", "xml"),
        ("PREPTALK_LOG_LEVEL", "LOUD"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(f"{name}: ") and "\n" not in str(error.value)
    assert value not in str(error.value) or name != "PREPTALK_ENCRYPTION_KEYS"


def test_slack_without_its_signing_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    with pytest.raises(SettingsError, match=r"^SLACK_SIGNING_SECRET: "):
        load_settings()


def test_encryption_keys_rotate_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    new, old = Fernet.generate_key(), Fernet.generate_key()
    monkeypatch.setenv("PREPTALK_ENCRYPTION_KEYS", f"{new.decode()}, {old.decode()}")
    assert load_settings().note_keys == [new, old]


def test_only_the_documented_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A platform's generic DATABASE_URL, HOST or PORT (Heroku, Kubernetes, a .env shared with
    another app) must never silently become prep-talk's."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://other/app")
    monkeypatch.setenv("database_url", "postgresql://other/app")
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "8080")
    settings = load_settings()
    assert settings.database_url == "sqlite+preptalk:///prep-talk.db"
    assert (settings.host, settings.port) == ("127.0.0.1", 3978)
    monkeypatch.setenv("PREPTALK_PORT", "8081")
    assert load_settings().port == 8081


def test_a_model_endpoint_is_off_until_all_three_are_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not load_settings().llm_enabled
    for name, value in LLM.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.llm_enabled and settings.llm_timeout == 4.0
    assert LLM["PREPTALK_LLM_API_KEY"] not in repr(settings) + str(settings)


@pytest.mark.parametrize(
    ("given", "named"),
    [
        (["PREPTALK_LLM_MODEL"], "PREPTALK_LLM_BASE_URL"),
        (["PREPTALK_LLM_BASE_URL", "PREPTALK_LLM_MODEL"], "PREPTALK_LLM_API_KEY"),
        (["PREPTALK_LLM_BASE_URL", "PREPTALK_LLM_API_KEY"], "PREPTALK_LLM_MODEL"),
    ],
)
def test_a_partly_configured_model_is_refused_naming_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, given: list[str], named: str
) -> None:
    for name in given:
        monkeypatch.setenv(name, LLM[name])
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert message.startswith(f"{named}: required with ") and "\n" not in message
    assert LLM["PREPTALK_LLM_API_KEY"] not in message


@pytest.mark.parametrize("timeout", ["0", "11", "soon"])
def test_the_model_timeout_stays_inside_a_turn(
    monkeypatch: pytest.MonkeyPatch, timeout: str
) -> None:
    monkeypatch.setenv("PREPTALK_LLM_TIMEOUT", timeout)
    with pytest.raises(SettingsError, match=r"^PREPTALK_LLM_TIMEOUT: "):
        load_settings()
