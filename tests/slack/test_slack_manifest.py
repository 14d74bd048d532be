"""The Slack app manifest carries the assistant panel (Agents & AI Apps) as Slack documents it:
`features.assistant_view` with a description and up to four suggested prompts, the
`assistant:write` scope, and the two assistant events; the OAuth install asks for the same
scopes the manifest declares."""

from __future__ import annotations

from bot.channels.slack.bolt_app import BOT_SCOPES
from bot.channels.slack.manifest import slack_manifest

PANEL_EVENTS = {"assistant_thread_started", "assistant_thread_context_changed", "message.im"}
MAX_PROMPTS = 4  # assistant.threads.setSuggestedPrompts and the manifest take up to four


def test_the_manifest_turns_on_the_assistant_panel_with_its_prompts() -> None:
    for manifest in (slack_manifest("https://preptalk.example.com"), slack_manifest(None, True)):
        view = manifest["features"]["assistant_view"]
        assert set(view) == {"assistant_description", "suggested_prompts"}
        assert isinstance(view["assistant_description"], str) and view["assistant_description"]
        prompts = view["suggested_prompts"]
        assert 1 <= len(prompts) <= MAX_PROMPTS
        assert all(set(prompt) == {"title", "message"} for prompt in prompts)
        assert [prompt["title"] for prompt in prompts] == [
            "Prepare a talk with Sales",
            "Check my draft",
            "Rehearse my last prep",
            "Debrief",
        ]
        assert "assistant:write" in manifest["oauth_config"]["scopes"]["bot"]
        assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) >= PANEL_EVENTS


def test_an_install_asks_for_the_scopes_the_manifest_declares() -> None:
    manifest = slack_manifest("https://preptalk.example.com")
    assert manifest["oauth_config"]["scopes"]["bot"] == BOT_SCOPES
    assert "assistant:write" in BOT_SCOPES
