"""Data that ships inside the package: the built-in playbooks and glossary, and migrations.

They live at the top of the repository (`playbooks/`, `migrations/`); pyproject.toml maps
them into the wheel as `bot.shipped.playbooks` and `bot.shipped.migrations`, so an installed
wheel, an editable checkout and the image all find them the same way, by package name.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def shipped_folder(name: str) -> Path:
    """The folder of shipped data `name` ("playbooks" or "migrations") on disk.

    Alembic and the playbook loader read files by path, so a zipped install (which would
    hand back a zip entry) is refused with a clear message rather than half working.
    """
    folder = files(f"{__name__}.{name}")
    if not isinstance(folder, Path):
        raise RuntimeError(f"prep-talk's {name} must be installed unzipped (pip install)")
    return folder
