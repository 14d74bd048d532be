"""Chat platform adapters: translate platform payloads to the coach and back; nothing more."""
