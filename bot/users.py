"""User references: `platform:tenant:user`, the one way a person is named everywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass

PLATFORMS = ("slack", "teams", "local")
_PART = re.compile(r"^[A-Za-z0-9._@\-]{1,128}$")


class BadUserRef(ValueError):
    """The text is not a valid `platform:tenant:user` reference."""


@dataclass(frozen=True, slots=True)
class UserRef:
    platform: str
    tenant: str
    user: str

    @classmethod
    def parse(cls, text: str) -> UserRef:
        parts = text.split(":")
        if len(parts) != 3:
            raise BadUserRef(f"{text!r} is not platform:tenant:user")
        platform, tenant, user = parts
        if platform not in PLATFORMS:
            raise BadUserRef(f"unknown platform {platform!r}; use one of {', '.join(PLATFORMS)}")
        for part in (tenant, user):
            if not _PART.match(part):
                raise BadUserRef(f"{part!r} is not a valid tenant or user id")
        return cls(platform, tenant, user)

    def __str__(self) -> str:
        return f"{self.platform}:{self.tenant}:{self.user}"
