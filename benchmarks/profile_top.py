"""The top functions of one process in a py-spy profile recorded under a benchmark.

    py-spy record --subprocesses --format raw -o server.txt -- \\
        .venv/bin/python -m benchmarks.slack_turns --users 50
    python -m benchmarks.profile_top server.txt [--process "serve --port"] [--top 25]

py-spy's raw format is one line per distinct stack, `frame;frame;… count`, each stack
starting with the processes it ran in. Only stacks of the process whose command line holds
`--process` are counted, and only while it served (frames under the event loop — asyncio's
`run_forever` or uvloop's, under aiohttp's `run_app` — a driver thread, or a greenlet of
SQLAlchemy's asyncio engine), not its start-up. Samples where it waited for the network,
and those of an idle worker thread (the SQLite connection's, between commits), are left out:
the shares are of its busy samples.

Printed: the busy samples; the share of each package where the samples were (their innermost
frame's: sqlalchemy, aiohttp, bot…); the top functions by self share; and the top functions
of our own code (`bot/`) by inclusive share (the samples under each).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

# asyncio's loop; uvloop's (written in C: coroutines run right under aiohttp's run_app, or
# under asyncio's Runner in a CLI worker); a driver thread.
UVLOOP = ("run_app (aiohttp/web.py", "Runner.run (asyncio/runners.py")
SERVING = ("run_forever", "Thread.run", *UVLOOP)
# Where a process's or a thread's stacks begin; a greenlet's begin elsewhere.
ENTRY = ("_run_module_as_main", "<module>", "Thread._bootstrap")
# An idle loop (asyncio's, or uvloop's waiting in C under run_app), an idle thread-pool
# worker (the SQLite connection's thread between commits).
WAITING = (
    *UVLOOP,
    "EpollSelector.select",
    "(concurrent/futures/thread.py:81)",
    "SimpleQueue.get",
    "Condition.wait",
)
_LINE = re.compile(r":\d+\)$")


def busy_stacks(raw: Path, process: str) -> Iterator[tuple[list[str], int]]:
    """(frames from the outermost, samples) of the process's busy stacks while serving."""
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        owners = [frame for frame in frames if frame.startswith("process ")]
        if not owners or process not in owners[-1]:
            continue
        code = [_LINE.sub(")", f) for f in frames if not f.startswith(("process ", "thread "))]
        # SQLAlchemy's asyncio engine runs ORM work in greenlets, sampled from their own root.
        in_greenlet = bool(code) and not code[0].startswith(ENTRY)
        if not in_greenlet and not any(marker in stack for marker in SERVING):
            continue
        if any(marker in frames[-1] for marker in WAITING):
            continue
        yield code, int(count)


def package(frame: str) -> str:
    """`sqlalchemy` for "execute (sqlalchemy/orm/session.py)"; the module for the standard
    library's top-level files ("select (selectors.py)" -> "selectors")."""
    where = frame.rpartition("(")[2].rstrip(")")
    return where.split("/")[0].removesuffix(".py")


def top(raw: Path, process: str, limit: int) -> str:
    packages, own, ours, total = Counter[str](), Counter[str](), Counter[str](), 0
    for frames, count in busy_stacks(raw, process):
        total += count
        if frames:
            packages[package(frames[-1])] += count
            own[frames[-1]] += count
        for frame in {frame for frame in frames if "(bot/" in frame}:
            ours[frame] += count
    if not total:
        return f"no busy samples of a process matching {process!r}"
    lines = [f"busy samples: {total}", "", "by package (innermost frame)"]
    lines += [f"{n / total:6.1%}  {name}" for name, n in packages.most_common(limit)]
    lines += ["", "self"]
    lines += [f"{n / total:6.1%}  {frame}" for frame, n in own.most_common(limit)]
    lines += ["", "inclusive, our code"]
    lines += [f"{n / total:6.1%}  {frame}" for frame, n in ours.most_common(limit)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="py-spy record --format raw output")
    parser.add_argument("--process", default="serve --port", help="part of its command line")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(top(args.raw, args.process, args.top))


if __name__ == "__main__":
    main()
