"""Odd socket input on a real server with real socket.io clients: text that is not valid Unicode, numbers
that are not JSON, events with extra arguments. Each gets a clear error ack; none an 'internal' one, a
logged traceback or silence; the socket stays up."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.conftest import write_program
from tests.live.qa_clients import Client


@pytest.fixture
async def attendee(tmp_path, start_server):
    program = write_program(tmp_path, [{"slug": "t1", "start": "12:00", "seconds": 60, "qa": 5}])
    server = await start_server(program, first_talk_in=timedelta(seconds=-70), qa_ask_interval=0)
    client = await (await Client.attendee(server.url)).connect()
    yield client
    await client.close()


async def test_lone_surrogates_are_refused_as_bad_text_without_a_traceback(attendee, caplog):
    caplog.set_level(logging.ERROR)
    for payload in ({"talk": "t1", "text": "Why \ud800 this?"}, {"talk": "t1", "text": "A fine question?",
                                                                  "name": "\udfff"},
                    {"talk": "t1\udc00", "text": "A fine question?"}, {"talk": "t1", "text": "ok?", "\ud800": 1}):
        for _ in range(20):  # the issue saw hundreds of 'internal' acks, each logging a traceback
            reply = await attendee.call("qa:ask", payload)
            assert reply["ok"] is False and reply["error"]["code"] == "bad_text", reply
            assert "not valid Unicode" in reply["error"]["message"]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert (await attendee.call("qa:ask", {"talk": "t1", "text": "Does an honest question still pass?"}))["ok"]


@pytest.mark.parametrize("t0", [float("nan"), float("inf"), float("-inf")])
async def test_clock_sync_refuses_numbers_that_are_not_json(attendee, t0):
    reply = await attendee.call("clock:sync", {"t0": t0})
    assert reply["ok"] is False and reply["error"]["code"] == "bad_request" and "finite" in reply["error"]["message"]
    assert (await attendee.call("clock:sync", {"t0": 1.5e12}))["t0"] == 1.5e12


async def test_an_event_with_an_extra_argument_gets_an_answer(attendee):
    reply = await attendee.call("qa:list", ({"talk": "t1"}, "extra"))
    assert reply["ok"] is False and reply["error"]["code"] == "bad_request" and "one object" in reply["error"]["message"]
    reply = await attendee.call("no:such", ({"a": 1}, 2, 3))
    assert reply["error"]["code"] == "unknown_event"
    assert (await attendee.call("qa:list", {"talk": "t1"}))["ok"]  # the socket is still up
