"""Encryption at rest for every word a user writes, with key rotation (Fernet keys from
PREPTALK_ENCRYPTION_KEYS).

The first key encrypts; every key decrypts, so a new key can be put in front while old
values stay readable, and `rotate` re-encrypts them with the new one. With no key, values
are kept as plain text and marked `encrypted=False`. Which columns hold sealed values is
listed once, in `bot.storage.sealed`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import overload

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEYS_VARIABLE = "PREPTALK_ENCRYPTION_KEYS"
UNREADABLE = f"[unreadable: sealed with a key that is not in {KEYS_VARIABLE}]"

log = logging.getLogger(__name__)


class NoteKeyError(RuntimeError):
    """A sealed value cannot be opened (or a key is unusable); never carries user text."""


class NoteCipher:
    """Seals user text for storage and opens it again."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        self._fernets = [_fernet(key, position) for position, key in enumerate(keys, start=1)]
        self._fernet = MultiFernet(self._fernets) if self._fernets else None

    @property
    def encrypts(self) -> bool:
        """True when a key is configured, so new values are stored encrypted."""
        return self._fernet is not None

    def seal(self, text: str) -> tuple[str, bool]:
        """Return `(body, encrypted)` to store for `text`."""
        if self._fernet is None:
            return text, False
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii"), True

    def seal_optional(self, text: str | None) -> tuple[str | None, bool]:
        """Like `seal`, for a column that may be empty (NULL stays NULL)."""
        return (None, False) if text is None else self.seal(text)

    def open(self, body: str, encrypted: bool) -> str:
        """Return the text of a stored value; `NoteKeyError` when no configured key opens it."""
        if not encrypted:
            return body
        fernet = self._require_key()
        try:
            return fernet.decrypt(body.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise _no_matching_key() from None

    @overload
    def open_or(self, body: str, encrypted: bool, unreadable: str) -> str: ...
    @overload
    def open_or(self, body: str | None, encrypted: bool, unreadable: str | None) -> str | None: ...
    def open_or(self, body: str | None, encrypted: bool, unreadable: str | None) -> str | None:
        """The text (None for an empty column), or `unreadable` when its key is gone (logged):
        one unreadable value must not hide the rest of a list."""
        if body is None:
            return None
        try:
            return self.open(body, encrypted)
        except NoteKeyError as error:
            log.warning("%s", error)
            return unreadable

    def rotate(self, body: str, encrypted: bool) -> str:
        """Return `body` re-encrypted with the first key (plain text gets encrypted)."""
        fernet = self._require_key()
        if not encrypted:
            return fernet.encrypt(body.encode("utf-8")).decode("ascii")
        try:
            return fernet.rotate(body.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise _no_matching_key() from None

    def is_current(self, body: str, encrypted: bool) -> bool:
        """True when `body` is already sealed with the first key, so rotating it would change
        nothing. Checks the token's signature only (no decryption)."""
        if not encrypted or not self._fernets:
            return False
        try:
            self._fernets[0].extract_timestamp(body.encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True

    def _require_key(self) -> MultiFernet:
        if self._fernet is None:
            raise NoteKeyError(f"a value is encrypted but {KEYS_VARIABLE} is empty")
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
        f"a value was encrypted with a key that is not in {KEYS_VARIABLE}; "
        "add the old key after the new one"
    )
