"""A bare Bolt AsyncApp that acks and echoes: the yardstick for benchmarks/slack_turns.py.

Mounted in aiohttp the way prep-talk mounts Bolt (the slack_bolt aiohttp translators at
/slack/events, `web.run_app`, INFO logging, signature check on), with a health check, but
with no coach and no database: a slash command, a DM message or a button click is acked and
its text echoed to the user's DM with one chat.postMessage. Whatever prep-talk spends beyond
this is the coaching itself (database, engine, extra Web API calls).

    SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… SLACK_API_URL=http://127.0.0.1:PORT/api/ \\
        python benchmarks/bare_bolt_echo.py --port 8080
"""

from __future__ import annotations

import argparse
import logging
import os
import re
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def echo_app(token: str, signing_secret: str, api_url: str) -> AsyncApp:
    """Bolt with three listeners, each written the way Bolt's own examples write them."""
    bolt = AsyncApp(
        token=token,
        signing_secret=signing_secret,
        client=AsyncWebClient(token=token, base_url=api_url),
    )

    @bolt.command("/prep-talk")
    async def on_command(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.chat_postMessage(channel=command["user_id"], text=command["text"] or "-")

    @bolt.event("message")
    async def on_message(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("subtype") or event.get("bot_id"):
            return
        await client.chat_postMessage(channel=event["channel"], text=event.get("text") or "-")

    @bolt.action(re.compile(r"^choice-\d+$"))
    async def on_click(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        value = str(body["actions"][0].get("value") or "-")
        await client.chat_postMessage(channel=body["user"]["id"], text=value)

    return bolt


def web_app(bolt: AsyncApp) -> web.Application:
    async def dispatch(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/slack/events", dispatch)
    app.router.add_get("/healthz", healthz)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(logging.INFO)  # as `prep-talk serve` does
    bolt = echo_app(
        os.environ["SLACK_BOT_TOKEN"],
        os.environ["SLACK_SIGNING_SECRET"],
        os.environ["SLACK_API_URL"],
    )
    web.run_app(web_app(bolt), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
