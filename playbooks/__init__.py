"""Built-in stakeholder playbooks and the glossary (YAML), shipped as `bot.shipped.playbooks`."""
