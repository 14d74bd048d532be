"""`load_library` for in-process tests: each set of playbook files is read once per run.

Parsing the YAML playbooks takes about a third of a second, and every app or coach a test
builds (`build_coach`) would read them again. The files do not change during a run, so
the library read first is handed out again; the key holds every file's path, size and
modification time, so a test that writes playbooks of its own has them read. A failing
load is never remembered: it fails again. Processes a test starts read the files for real.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.playbook.library import BUILTIN_DIR, PlaybookLibrary, yaml_files

LibraryLoader = Callable[..., PlaybookLibrary]
FolderState = tuple[tuple[str, int, int], ...] | None


def read_once(load: LibraryLoader) -> LibraryLoader:
    """`load`, remembering its library per state of the folders it reads."""
    loaded: dict[tuple[FolderState, FolderState], PlaybookLibrary] = {}

    def load_unless_read(
        extra_dir: Path | None = None, builtin_dir: Path = BUILTIN_DIR
    ) -> PlaybookLibrary:
        key = (folder_state(builtin_dir), folder_state(extra_dir))
        if key not in loaded:
            loaded[key] = load(extra_dir, builtin_dir)
        return loaded[key]

    return load_unless_read


def folder_state(folder: Path | None) -> FolderState:
    """Each playbook file of `folder` with its size and modification time (None: no folder)."""
    if folder is None:
        return None
    states = []
    for path in yaml_files(folder):
        stat = path.stat()
        states.append((str(path.resolve()), stat.st_size, stat.st_mtime_ns))
    return tuple(states)
