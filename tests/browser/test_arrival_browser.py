"""What one arrival asks of the server, in real Chromium: at the published minute thousands of pages do
this at once, so every request and round trip counts. The room page opens its websocket at once (no
long-polling handshake first), joins, and measures the clock in two round trips (the join's answer is the
third sample); the Q&A queue comes with the join. Behind a proxy that blocks websockets it falls back to
long-polling and the room still works."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from playwright.async_api import expect

from tests.live.qa_clients import Client
from tests.live.test_qa_queue import program

QUESTION = "Which dataset did the model learn from?"
# What a page sees behind a proxy that refuses websocket upgrades: every websocket fails before it opens.
BLOCKED = """window.WebSocket = class extends EventTarget {
  constructor(url) {
    super();
    this.url = url; this.readyState = 0;
    setTimeout(() => {
      this.readyState = 3;
      this.onerror?.(new Event("error"));
      this.onclose?.(new CloseEvent("close", { code: 1006 }));
    });
  }
  send() { throw new DOMException("not open", "InvalidStateError"); }
  close() {}
};"""


async def approved_question(server) -> None:
    asker, moderator = await Client.attendee(server.url), Client(server.url, auth={"token": "mod-token"})
    await asker.connect(), await moderator.connect()
    try:
        asked = await asker.call("qa:ask", {"talk": "t1", "text": QUESTION})
        assert (await moderator.call("qa:moderate", {"question": asked["question"]["id"], "action": "approve"}))["ok"]
    finally:
        await asker.close(), await moderator.close()


def events_in(frames: list[str]) -> list[str]:
    """The socket.io events a page sent ('42<ack id>["event", payload]'), in order."""
    names = []
    for frame in frames:
        if frame.startswith("42"):
            names.append(json.loads(frame[frame.index("["):])[0])
    return names


async def test_an_arrival_is_one_websocket_a_join_and_two_clock_round_trips(start_server, browser, tmp_path):
    server = await start_server(program(tmp_path), first_talk_in=timedelta(seconds=-70))  # t1's Q&A is on
    await approved_question(server)
    page = await browser.new_page()
    polls, sockets, sent = [], [], []
    page.on("request", lambda r: polls.append(r.url) if "transport=polling" in r.url else None)

    def opened(socket):
        sockets.append(socket.url)
        socket.on("framesent", lambda payload: sent.append(payload))
    page.on("websocket", opened)

    await page.goto(f"{server.url}/rooms/main")
    # the queue is on the page from the join alone
    await expect(page.locator('[data-qa-list="queue"] .qa-text')).to_have_text(QUESTION)
    for _ in range(50):
        if events_in(sent).count("clock:sync") >= 2:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)  # anything more the page would send after its clock
    assert polls == [], "the page polled before opening its websocket"
    assert len(sockets) == 1 and "transport=websocket" in sockets[0]
    assert events_in(sent) == ["room:join", "clock:sync", "clock:sync"]


async def test_behind_a_proxy_that_blocks_websockets_the_room_falls_back_to_long_polling(start_server, browser,
                                                                                          tmp_path):
    server = await start_server(program(tmp_path), first_talk_in=timedelta(seconds=-70))
    await approved_question(server)
    context = await browser.new_context()
    await context.add_init_script(BLOCKED)
    page = await context.new_page()
    polls = []
    page.on("request", lambda r: polls.append(r.url) if "transport=polling" in r.url else None)
    await page.goto(f"{server.url}/rooms/main")
    await expect(page.locator('[data-qa-list="queue"] .qa-text')).to_have_text(QUESTION)
    await expect(page.locator("[data-presence]")).to_have_text("1 watching")
    assert polls, "the page never fell back to long-polling"
    form = page.locator("[data-qa-ask]")
    await form.locator("textarea").fill("Does the Q&A work without websockets?")
    await form.locator("button[type=submit]").click()
    await expect(page.locator('[data-qa-list="mine"] .qa-text')).to_have_text("Does the Q&A work without websockets?")
