"""`prep-talk`: chat, notes, check, playbooks, db, keys and serve."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import re
import signal
import sys
from collections.abc import Awaitable, Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot import event_loop
from bot.cli import commands
from bot.cli import keys as keys_cli
from bot.cli import nudges as nudges_cli
from bot.cli.chat import run_chat
from bot.cli.mistakes import Mistake, drop_unread_output, reaching_database
from bot.coach import Coach
from bot.engine.messages import Command, Inbound
from bot.logs import configure_logging
from bot.playbook.library import PlaybookError, load_library
from bot.runtime import DatabaseNotReady, Services, build_coach, open_coach, prepare_database
from bot.settings import Settings, SettingsError, load_settings
from bot.storage import migrate
from bot.storage.crypto import NoteKeyError
from bot.users import BadUserRef, UserRef

# What a shell reports for a tool ended by SIGPIPE when its reader left (`yes | head`).
EXIT_READER_LEFT = 128 + signal.SIGPIPE


# `prep-talk debrief ID` and `prep-talk rehearse ID`: a dialog on a prep that exists.
_REOPENING = {"debrief": Command.DEBRIEF, "rehearse": Command.REHEARSE}


@dataclass(frozen=True, slots=True)
class Terminal:
    """The streams a command reads and writes: the process's own, or a test's StringIO."""

    stdin: TextIO
    stdout: TextIO
    stderr: TextIO


def _default_user() -> str:
    login = re.sub(r"[^A-Za-z0-9._@-]", "-", getpass.getuser())[:64] or "me"
    return f"local:local:{login}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="prep-talk", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", help="prepare a conversation in the terminal")
    chat.add_argument("stakeholder")
    _user_and_json(chat)

    debrief = sub.add_parser("debrief", help="record how a prepared conversation went")
    debrief.add_argument("id", type=int)
    _user_and_json(debrief)

    outcome = sub.add_parser("outcome", help="record the new number of a prep's outcome")
    outcome.add_argument("id", type=int)
    outcome.add_argument("value", nargs="?", help="e.g. 71%%; without it, you are asked")
    _user_and_json(outcome)
    rehearse = sub.add_parser("rehearse", help="practise a prepared talk: the coach pushes back")
    rehearse.add_argument("id", type=int)
    _user_and_json(rehearse)

    notes = sub.add_parser("notes", help="your saved preps and notes")
    notes_sub = notes.add_subparsers(dest="notes_command", required=True)
    _user_and_json(notes_sub.add_parser("list"))
    show = notes_sub.add_parser("show")
    show.add_argument("id", type=int)
    _user_and_json(show)
    export = notes_sub.add_parser("export")
    export.add_argument("id", type=int)
    export.add_argument("--format", choices=["md"], default="md")
    export.add_argument("--user", default=_default_user())

    check = sub.add_parser("check", help="plain-language checks on any text")
    check.add_argument("--stakeholder")
    check.add_argument("--json", action="store_true")
    check.add_argument("text", nargs="?")

    books = sub.add_parser("playbooks", help="list or validate playbooks")
    books_sub = books.add_subparsers(dest="playbooks_command", required=True)
    books_sub.add_parser("list")
    validate = books_sub.add_parser("validate")
    validate.add_argument("dir", nargs="?", type=Path)

    tenant = sub.add_parser("tenant", help="workspace settings: fiscal year, mission, model voice")
    tenant_set = tenant.add_subparsers(dest="tenant_command", required=True).add_parser("set")
    tenant_set.add_argument("tenant", help="platform:tenant, e.g. slack:T0123 or local:local")
    tenant_set.add_argument("--fiscal-year-start", type=int, metavar="MONTH")
    tenant_set.add_argument("--mission", help="the company's mission, shown in the Spark step")
    tenant_set.add_argument(
        "--model",
        choices=("on", "off"),
        help="whether a configured model (PREPTALK_LLM_*) may voice the stakeholder in rehearsal",
    )

    person = sub.add_parser("user", help="your own settings")
    person_set = person.add_subparsers(dest="user_command", required=True).add_parser("set")
    person_set.add_argument("--user", default=_default_user(), help="platform:tenant:user")
    person_set.add_argument("--time-zone", required=True, help="IANA name, e.g. Europe/Paris")

    db = sub.add_parser("db", help="database schema")
    db.add_subparsers(dest="db_command", required=True).add_parser("upgrade")
    keys = sub.add_parser("keys", help="encryption keys for everything users write")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    keys_sub.add_parser("new", help="print a new key")
    keys_sub.add_parser("rotate", help="re-encrypt every stored value under the first key")

    serve = sub.add_parser("serve", help="run the web server (playground, Slack, Teams)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--socket-mode", action="store_true", help="reach Slack over Socket Mode (SLACK_APP_TOKEN)"
    )

    nudges = sub.add_parser("nudges", help="reminders before stakeholders' busy seasons")
    nudges_sub = nudges.add_subparsers(dest="nudges_command", required=True)
    nudge_plan = nudges_sub.add_parser("plan", help="what would be sent, to whom and why")
    nudge_plan.add_argument("--now", required=True, help="ISO date-time, e.g. 2026-11-10T10:00Z")
    nudge_plan.add_argument("--json", action="store_true")
    nudge_run = nudges_sub.add_parser("run", help="a worker that sends due nudges")
    nudge_run.add_argument("--once", action="store_true")
    nudge_run.add_argument("--now", help="ISO date-time to plan for (operators and tests)")

    slack = sub.add_parser("slack", help="Slack app set-up")
    manifest = slack.add_subparsers(dest="slack_command", required=True).add_parser("manifest")
    manifest.add_argument("--socket-mode", action="store_true")

    teams = sub.add_parser("teams", help="Microsoft Teams app set-up")
    package = teams.add_subparsers(dest="teams_command", required=True).add_parser("package")
    package.add_argument("--out", type=Path, default=Path("prep-talk.zip"))
    return parser


def _user_and_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", default=_default_user(), help="platform:tenant:user")
    parser.add_argument("--json", action="store_true", help="JSON lines for programs")


def main(
    argv: list[str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one command and return its exit code (streams: the process's own unless given).

    A mistake the user can fix ends as one line on stderr and a non-zero code, never a
    traceback; when the reader of stdout leaves early, the command ends quietly.
    """
    terminal = Terminal(stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        with redirect_stdout(terminal.stdout), redirect_stderr(terminal.stderr):
            args = _parser().parse_args(argv)
        code = _dispatch(args, terminal)
        terminal.stdout.flush()  # a reader that left is noticed here, not at exit
        return code
    except SystemExit as stop:  # argparse: usage shown (or --help), code 2 (or 0)
        return stop.code if isinstance(stop.code, int) else commands.EXIT_USAGE
    except Mistake as mistake:
        terminal.stderr.write(f"prep-talk: {mistake}\n")
        return mistake.exit_code
    except (
        SettingsError,
        PlaybookError,
        DatabaseNotReady,
        BadUserRef,
        NoteKeyError,
        ValueError,
    ) as error:
        terminal.stderr.write(f"prep-talk: {error}\n")
        return commands.EXIT_USAGE
    except BrokenPipeError:
        drop_unread_output(terminal.stdout)
        return EXIT_READER_LEFT
    except KeyboardInterrupt:
        return 130


def _ready_database(settings: Settings) -> None:
    """Reach the database (and migrate a SQLite file) before any work, so a wrong
    PREPTALK_DATABASE_URL is one line rather than the driver's traceback."""
    with reaching_database(settings.database_url):
        prepare_database(settings)


def _dispatch(args: argparse.Namespace, terminal: Terminal) -> int:
    out = terminal.stdout
    if args.command == "keys" and args.keys_command == "new":
        return commands.new_key(out)
    if args.command == "playbooks" and args.playbooks_command == "validate":
        return commands.playbooks_validate(args.dir, out)
    settings = load_settings()
    if args.command == "db":
        with reaching_database(settings.database_url):
            migrate.upgrade(settings.database_url)
        out.write("database is up to date\n")
        return commands.EXIT_OK
    if args.command == "keys":
        _ready_database(settings)
        return event_loop.run(keys_cli.rotate(settings, out, terminal.stderr))
    if args.command == "serve":
        from bot.server import serve

        _ready_database(settings)  # serve prepares it again: then a no-op check
        return serve(settings, host=args.host, port=args.port, slack_socket_mode=args.socket_mode)
    if args.command == "slack":
        from bot.channels.slack.manifest import slack_manifest

        public = str(settings.public_url) if settings.public_url else None
        out.write(json.dumps(slack_manifest(public, args.socket_mode), indent=2) + "\n")
        return commands.EXIT_OK
    if args.command == "teams":
        from bot.channels.teams.package import write_package

        out.write(f"wrote {write_package(settings, args.out)}\n")
        return commands.EXIT_OK
    if args.command == "nudges":
        if args.nudges_command == "run":  # a worker: logs as the server's do
            configure_logging(settings.log_level, settings.log_format)
        _ready_database(settings)
        return event_loop.run(_nudges(args, settings, out))
    if args.command == "playbooks":
        return commands.playbooks_list(load_library(settings.playbooks_dir), out)
    if args.command == "check":
        text = args.text if args.text is not None else terminal.stdin.read()
        library = load_library(settings.playbooks_dir)
        return commands.check(library, args.stakeholder, text, args.json, out)
    user = UserRef.parse(args.user if "user" in args else "local:local:operator")
    _ready_database(settings)
    return event_loop.run(
        _with_coach(settings, lambda coach: _coach_command(args, coach, user, terminal))
    )


async def _with_coach(settings: Settings, work: Callable[[Coach], Awaitable[int]]) -> int:
    async with open_coach(settings) as coach:
        return await work(coach)


async def _coach_command(
    args: argparse.Namespace, coach: Coach, user: UserRef, terminal: Terminal
) -> int:
    out = terminal.stdout
    if args.command == "chat":
        if coach.playbooks.find(args.stakeholder) is None:
            listed = ", ".join(book.id for book in coach.playbooks.all())
            raise Mistake(
                f"unknown stakeholder {args.stakeholder!r}; available: {listed}",
                commands.EXIT_USAGE,
            )
        first = Inbound(command=Command.START, argument=args.stakeholder)
        return await run_chat(coach, user, first, args.json, terminal.stdin, out)
    if args.command in ("debrief", "outcome", "rehearse"):
        if await coach.prep(user, args.id) is None:
            raise Mistake(f"prep {args.id} not found", commands.EXIT_NOT_FOUND)
        if args.command == "outcome":  # with a value: recorded in one go; without: asked for
            words = f"{args.id} {args.value}" if args.value else str(args.id)
            first = Inbound(command=Command.OUTCOME, argument=words)
        else:
            first = Inbound(command=_REOPENING[args.command], argument=str(args.id))
        return await run_chat(coach, user, first, args.json, terminal.stdin, out)
    if args.command == "tenant":
        return await _configure_tenant(args, coach, out)
    if args.command == "user":
        await coach.set_time_zone(user, args.time_zone)
        out.write(f"time zone of {user} is {args.time_zone}\n")
        return commands.EXIT_OK
    if args.notes_command == "list":
        return await commands.notes_list(coach, user, args.json, out)
    as_json = getattr(args, "json", False)
    markdown = args.notes_command == "export"
    return await commands.notes_show(coach, user, args.id, as_json, markdown, out)


async def _nudges(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    now = nudges_cli.parse_now(args.now)
    coach, engine = build_coach(settings)
    services = Services(settings, coach, engine)
    try:
        if args.nudges_command == "plan":
            assert now is not None
            return await nudges_cli.plan(services, now, args.json, out)
        return await nudges_cli.run(services, now, args.once, out)
    finally:
        await engine.dispose()


async def _configure_tenant(args: argparse.Namespace, coach: Coach, out: TextIO) -> int:
    platform, _, tenant = args.tenant.partition(":")
    UserRef.parse(f"{platform}:{tenant}:operator")  # same rules as user refs
    settings = await coach.configure_tenant(
        platform,
        tenant,
        fiscal_year_start_month=args.fiscal_year_start,
        mission=args.mission,
        model_voice=None if args.model is None else args.model == "on",
    )
    mission = f"“{settings.mission}”" if settings.mission else "not set"
    model = "on (where PREPTALK_LLM_* is configured)" if settings.model_voice else "off"
    out.write(
        f"{platform}:{tenant}: fiscal year starts in month "
        f"{settings.fiscal_year_start_month}; mission {mission}; model voice {model}\n"
    )
    return commands.EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
