"""Encryption at rest for notes, with key rotation (Fernet keys from PREPTALK_ENCRYPTION_KEYS).

The first key encrypts; every key decrypts, so a new key can be put in front while old notes
stay readable, and `rotate` re-encrypts them with the new one. With no key, notes are kept
as plain text and marked `encrypted=False`.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEYS_VARIABLE = "PREPTALK_ENCRYPTION_KEYS"


class NoteKeyError(RuntimeError):
    """An encrypted note cannot be read (or a key is unusable); never carries note text."""


class NoteCipher:
    """Seals note text for storage and opens it again."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        fernets = [_fernet(key, position) for position, key in enumerate(keys, start=1)]
        self._fernet = MultiFernet(fernets) if fernets else None

    @property
    def encrypts(self) -> bool:
        """True when a key is configured, so new notes are stored encrypted."""
        return self._fernet is not None

    def seal(self, text: str) -> tuple[str, bool]:
        """Return `(body, encrypted)` to store for `text`."""
        if self._fernet is None:
            return text, False
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii"), True

    def open(self, body: str, encrypted: bool) -> str:
        """Return the text of a stored note."""
        if not encrypted:
            return body
        fernet = self._require_key()
        try:
            return fernet.decrypt(body.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise _no_matching_key() from None

    def rotate(self, body: str, encrypted: bool) -> str:
        """Return `body` re-encrypted with the first key (plain text gets encrypted)."""
        fernet = self._require_key()
        if not encrypted:
            return fernet.encrypt(body.encode("utf-8")).decode("ascii")
        try:
            return fernet.rotate(body.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise _no_matching_key() from None

    def _require_key(self) -> MultiFernet:
        if self._fernet is None:
            raise NoteKeyError(f"a note is encrypted but no key is configured; set {KEYS_VARIABLE}")
        return self._fernet


def _fernet(key: bytes, position: int) -> Fernet:
    try:
        return Fernet(key)
    except (ValueError, TypeError):
        raise NoteKeyError(
            f"{KEYS_VARIABLE}: key {position} is not a Fernet key (32 url-safe base64 bytes)"
        ) from None


def _no_matching_key() -> NoteKeyError:
    return NoteKeyError(
        f"a note was encrypted with a key that is not in {KEYS_VARIABLE}; "
        "add the old key after the new one"
    )
