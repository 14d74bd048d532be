"""Reading a py-spy profile: only the named process, only while it serves, only busy samples."""

from __future__ import annotations

from pathlib import Path

from benchmarks.profile_top import top

SERVER = 'process 2:"python -m bot.cli.main serve --port 4000"'
CLIENT = 'process 1:"python -m benchmarks.slack_turns --users 50"'
LOOP = "run_forever (asyncio/base_events.py:608);_run_once (asyncio/base_events.py:1922)"
RAW = "\n".join(
    [
        f"{CLIENT};{SERVER};{LOOP};drain (bot/inbox.py:90);execute (sqlalchemy/orm/session.py:2) 6",
        f"{CLIENT};{SERVER};{LOOP};drain (bot/inbox.py:90);advance (bot/engine/flow.py:80) 2",
        f"{CLIENT};{SERVER};{LOOP};EpollSelector.select (selectors.py:1) 50",
        f"{CLIENT};{SERVER};<module> (bot/cli/main.py:19);_find_and_load (<frozen importlib>:1) 30",
        f"{CLIENT};{LOOP};post (aiohttp/client.py:10) 40",
    ]
)
# uvloop runs coroutines right under run_app; SQLAlchemy's greenlets are sampled from their root.
MAIN = "_run_module_as_main (<frozen runpy>:198);serve (bot/server.py:191)"
UVLOOP = f"{MAIN};run_app (aiohttp/web.py:502)"
RAW_UVLOOP = "\n".join(
    [
        f"{CLIENT};{SERVER};{UVLOOP};drain (bot/inbox.py:90);advance (bot/engine/flow.py:80) 3",
        f"{CLIENT};{SERVER};{UVLOOP} 70",
        f"{CLIENT};{SERVER};Session.close (sqlalchemy/orm/session.py:2724) 1",
        f"{CLIENT};{SERVER};{MAIN};_find_and_load (<frozen importlib>:1) 30",
    ]
)


def test_the_top_counts_the_servers_busy_samples_while_serving_only(tmp_path: Path) -> None:
    raw = tmp_path / "profile.txt"
    raw.write_text(RAW + "\n")

    report = top(raw, "serve --port", 10)

    assert report.startswith("busy samples: 8")  # no client, no start-up, no idle wait
    assert "75.0%  sqlalchemy" in report and "25.0%  bot" in report
    assert "100.0%  drain (bot/inbox.py)" in report
    assert "aiohttp" not in report and "importlib" not in report


def test_on_uvloop_the_loops_waits_are_left_out_and_greenlets_counted(tmp_path: Path) -> None:
    raw = tmp_path / "profile.txt"
    raw.write_text(RAW_UVLOOP + "\n")

    report = top(raw, "serve --port", 10)

    assert report.startswith("busy samples: 4")  # no idle loop, no start-up
    assert "75.0%  bot" in report and "25.0%  sqlalchemy" in report
    assert "importlib" not in report
