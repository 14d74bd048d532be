"""Tests of the Slack test infrastructure itself: the Web API stand-in and request builders."""
