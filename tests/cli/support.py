"""Running `prep-talk` in-process, as a user would type it, with the streams captured."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from bot.cli.main import main


@dataclass(frozen=True, slots=True)
class Done:
    """What a finished command left: its exit code and what it wrote."""

    returncode: int
    stdout: str
    stderr: str


PrepTalk = Callable[..., Done]


def run(*args: str, stdin: str = "") -> Done:
    """`prep-talk ARGS < stdin`, through `main` with StringIO streams."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), io.StringIO(stdin), out, err)
    return Done(code, out.getvalue(), err.getvalue())


def json_lines(lines: list[dict[str, str]]) -> str:
    return "".join(json.dumps(line) + "\n" for line in lines)
