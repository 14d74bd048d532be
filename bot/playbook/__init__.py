"""Stakeholder playbooks and the plain-language glossary: schema and loading."""
