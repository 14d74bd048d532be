"""The Slack Web API stand-in as a fixture for these tests."""

from tests.support.slack_api import slack_api

__all__ = ["slack_api"]
