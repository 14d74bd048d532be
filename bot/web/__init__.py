"""The web playground: try the coach in a browser, without Slack or Teams."""
