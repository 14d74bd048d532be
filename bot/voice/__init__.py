"""Who voices the stakeholder in a rehearsal: the engine's scripted lines, or a model.

`StakeholderVoice` is the shape of a model-backed voice: given a cue, it returns the
stakeholder's line in character, or None to keep the scripted line. It never scores or judges.
`build_voice` makes the configured one, or None: then nothing is ever sent anywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.engine.scene import StakeholderCue
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.voice.model import ModelVoice


class StakeholderVoice(Protocol):
    async def speak(self, cue: StakeholderCue) -> str | None:
        """The stakeholder's line for `cue`, or None to keep `cue.scripted_line`."""
        ...


def build_voice(settings: Settings) -> ModelVoice | None:
    """The model voice when PREPTALK_LLM_* is configured, else None (and `openai`, an
    optional extra, is not even imported). SettingsError when the extra is not installed."""
    if not settings.llm_enabled:
        return None
    assert settings.llm_model and settings.llm_api_key  # set together (Settings._llm_complete)
    try:
        from bot.voice.model import ModelVoice  # only when configured
    except ImportError:
        raise SettingsError(
            "PREPTALK_LLM_BASE_URL: a model needs the openai client: pip install 'prep-talk[llm]'"
        ) from None

    return ModelVoice(
        base_url=str(settings.llm_base_url),
        model=settings.llm_model,
        api_key=settings.llm_api_key.get_secret_value(),
        timeout=settings.llm_timeout,
    )
