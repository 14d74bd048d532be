"""All configuration, from the environment (and `.env`), validated once at start-up."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any, Literal

from cryptography.fernet import Fernet
from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(RuntimeError):
    """A setting is missing or wrong; the message is one line naming the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    def __init__(self, **values: Any) -> None:
        """Code and tests name a setting by its field (`database_url=`); the environment and
        `.env` only by its documented variable (never a generic `DATABASE_URL` or `PORT`)."""
        super().__init__(**{env_name(name): value for name, value in values.items()})

    database_url: str = Field(
        default="sqlite+preptalk:///prep-talk.db",
        validation_alias="PREPTALK_DATABASE_URL",
    )
    playbooks_dir: Path | None = Field(default=None, validation_alias="PREPTALK_PLAYBOOKS_DIR")
    encryption_keys: SecretStr | None = Field(
        default=None, validation_alias="PREPTALK_ENCRYPTION_KEYS"
    )
    host: str = Field(default="127.0.0.1", validation_alias="PREPTALK_HOST")
    port: int = Field(default=3978, ge=0, le=65535, validation_alias="PREPTALK_PORT")
    playground: bool | None = Field(default=None, validation_alias="PREPTALK_PLAYGROUND")
    nudge_interval: int = Field(
        default=300,
        ge=0,
        le=86_400,
        validation_alias="PREPTALK_NUDGE_INTERVAL",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias="PREPTALK_LOG_LEVEL"
    )
    log_format: Literal["text", "json"] = Field(
        default="text", validation_alias="PREPTALK_LOG_FORMAT"
    )
    public_url: AnyHttpUrl | None = Field(default=None, validation_alias="PREPTALK_PUBLIC_URL")
    inbox_lease: int = Field(default=60, ge=1, le=3600, validation_alias="PREPTALK_INBOX_LEASE")

    # A company-approved OpenAI-compatible endpoint may voice the stakeholder in rehearsal
    # (bot.voice); all three are set together, or none and nothing is ever sent.
    llm_base_url: AnyHttpUrl | None = Field(default=None, validation_alias="PREPTALK_LLM_BASE_URL")
    llm_model: str | None = Field(default=None, validation_alias="PREPTALK_LLM_MODEL")
    llm_api_key: SecretStr | None = Field(default=None, validation_alias="PREPTALK_LLM_API_KEY")
    llm_timeout: float = Field(
        default=4.0,
        gt=0,
        le=10,
        validation_alias="PREPTALK_LLM_TIMEOUT",
        description="seconds a stakeholder line may take before the scripted one is used",
    )

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_client_id: str | None = Field(default=None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_CLIENT_SECRET"
    )
    slack_api_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://slack.com/api/"), validation_alias="SLACK_API_URL"
    )

    microsoft_app_id: str | None = Field(default=None, validation_alias="MICROSOFT_APP_ID")
    microsoft_app_password: SecretStr | None = Field(
        default=None, validation_alias="MICROSOFT_APP_PASSWORD"
    )
    microsoft_app_type: Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"] = Field(
        default="MultiTenant", validation_alias="MICROSOFT_APP_TYPE"
    )
    microsoft_app_tenant_id: str | None = Field(
        default=None, validation_alias="MICROSOFT_APP_TENANT_ID"
    )
    teams_local: bool = Field(default=False, validation_alias="PREPTALK_TEAMS_LOCAL")
    teams_rate: float = Field(
        default=30.0,
        gt=0,
        le=1000,
        validation_alias="PREPTALK_TEAMS_RATE",
        description="proactive Teams messages per second per tenant",
    )
    tab_jwks_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://login.microsoftonline.com/common/discovery/v2.0/keys"),
        validation_alias="PREPTALK_TAB_JWKS_URL",
    )

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """Accept the plain URLs operators write and pick the async driver for them
        (`sqlite+aiosqlite://`, the driver of earlier releases, is read as SQLite too)."""
        for plain, driver in (
            ("sqlite://", "sqlite+preptalk://"),
            ("sqlite+aiosqlite://", "sqlite+preptalk://"),
            ("postgresql://", "postgresql+asyncpg://"),
            ("postgres://", "postgresql+asyncpg://"),
        ):
            if value.startswith(plain):
                return driver + value[len(plain) :]
        if not value.startswith(("sqlite+preptalk://", "postgresql+asyncpg://")):
            raise ValueError("use a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("encryption_keys")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        for position, key in enumerate(value.get_secret_value().split(","), start=1):
            try:
                Fernet(key.strip().encode())
            except ValueError:
                raise ValueError(
                    f"key {position} is not a Fernet key (32 url-safe base64 bytes); "
                    "make one with: prep-talk keys new"
                ) from None
        return value

    @field_validator("llm_model")
    @classmethod
    def _model_named(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("playbooks_dir")
    @classmethod
    def _dir_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a directory")
        return value

    @model_validator(mode="after")
    def _slack_complete(self) -> Settings:
        """Slack needs its signing secret (or, for Socket Mode, an app token) with a bot token
        or an OAuth client."""
        slack = (self.slack_bot_token, self.slack_client_id, self.slack_client_secret)
        if any(slack) and self.slack_signing_secret is None and self.slack_app_token is None:
            raise ValueError("SLACK_SIGNING_SECRET: required when Slack is configured")
        if bool(self.slack_client_id) != bool(self.slack_client_secret):
            raise ValueError(
                "SLACK_CLIENT_SECRET: set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET together"
            )
        return self

    @model_validator(mode="after")
    def _llm_complete(self) -> Settings:
        """A model endpoint needs its URL, model name and key; one alone is a mistake."""
        llm = {
            "llm_base_url": self.llm_base_url,
            "llm_model": self.llm_model,
            "llm_api_key": self.llm_api_key,
        }
        missing = [env_name(field) for field, value in llm.items() if not value]
        if 0 < len(missing) < len(llm):
            given = " and ".join(env_name(field) for field, value in llm.items() if value)
            hint = " (any value for an endpoint without keys)" if "KEY" in missing[0] else ""
            raise ValueError(f"{missing[0]}: required with {given}{hint}")
        return self

    @property
    def llm_enabled(self) -> bool:
        """Whether a model may voice the stakeholder (otherwise nothing is ever sent); the
        model name and key are then set too."""
        return self.llm_base_url is not None

    @property
    def slack_enabled(self) -> bool:
        return self.slack_signing_secret is not None or self.slack_app_token is not None

    @property
    def slack_oauth(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def teams_enabled(self) -> bool:
        return bool(self.microsoft_app_id) or self.teams_local

    @property
    def note_keys(self) -> list[bytes]:
        if self.encryption_keys is None:
            return []
        raw = self.encryption_keys.get_secret_value()
        return [key.strip().encode() for key in raw.split(",") if key.strip()]

    @property
    def platforms_configured(self) -> bool:
        return self.slack_enabled or bool(self.microsoft_app_id)

    @property
    def playground_enabled(self) -> bool:
        """On when asked for, or by default when no Slack or Teams credentials are set."""
        if self.playground is not None:
            return self.playground
        return not self.platforms_configured

    @property
    def host_is_loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"


def env_name(field: str) -> str:
    """The environment variable that sets a field (the field itself for unknown names)."""
    info = Settings.model_fields.get(field)
    return info.validation_alias if info and isinstance(info.validation_alias, str) else field


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation error into one line that names the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # a check across settings names its variable itself
            raise SettingsError(message) from None
        field = str(first["loc"][0])
        name = env_name(field)
        raise SettingsError(f"{name}: {message}") from None
