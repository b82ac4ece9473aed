"""The Q&A queue on a real server with several real socket.io clients: two attendees, a moderator and
a speaker; the server is restarted in the middle and nothing is lost."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from event_server.web.keys import SERVICES
from tests.conftest import fresh_postgres, write_program
from tests.live.qa_clients import Client

EVENTS = ("qa:ask", "qa:vote", "qa:unvote", "qa:withdraw", "qa:moderate", "qa:list", "room:join")


def program(tmp_path, premoderation=True):
    path = write_program(tmp_path, [{"slug": "t1", "start": "12:00", "seconds": 60, "qa": 5},
                                    {"slug": "t2", "start": "13:00", "seconds": 60, "qa": 5, "speaker": "alan"}])
    text = path.read_text().replace("  livestream:", f"  qa: {{premoderation: {str(premoderation).lower()}}}\n"
                                                        "  livestream:")
    path.write_text(text)
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request):
    """'' is the default SQLite file; PostgreSQL gets a fresh database."""
    if request.param == "sqlite":
        yield ""
        return
    async with fresh_postgres(request.getfixturevalue("pg_url")) as url:
        yield url


@pytest.fixture
async def clients():
    made: list[Client] = []
    yield made
    for client in made:
        await client.close()


async def test_ask_approve_vote_pin_answer_and_restart(tmp_path, start_server, clients, database_url):
    # the first talk's premiere ended 10 s ago: its Q&A is on
    server = await start_server(program(tmp_path), first_talk_in=timedelta(seconds=-70), qa_ask_interval=0,
                                database_url=database_url)
    alice, bob = await Client.attendee(server.url), await Client.attendee(server.url)
    moderator = Client(server.url, auth={"token": "mod-token"})
    speaker = Client(server.url, auth={"token": server.server.app[SERVICES].signer.speaker_token("ada")})
    clients += [alice, bob, moderator, speaker]
    for client in clients:
        await client.connect()
        assert (await client.wait("qa:snapshot"))["talk"] == "t1"

    asked = await alice.call("qa:ask", {"talk": "t1", "text": "  How did you train the   GAN? ", "name": "Alice"})
    assert asked["ok"] and asked["question"]["state"] == "pending"
    question = asked["question"]["id"]
    assert asked["question"]["text"] == "How did you train the GAN?"
    # pre-moderation: the moderator and the speaker see it, the author sees her own, bob does not
    for client in (moderator, speaker, alice):
        await client.wait("qa:question", lambda q: q["id"] == question and q["state"] == "pending")
    again = await alice.call("qa:ask", {"talk": "t1", "text": "how did you train the gan?"})
    assert again["error"]["code"] == "duplicate"

    # an attendee cannot moderate, nor vote for a question that is not in the queue
    assert (await bob.call("qa:moderate", {"question": question, "action": "approve"}))["error"]["code"] == "forbidden"
    assert (await speaker.call("qa:moderate", {"question": question, "action": "approve"}))["error"]["code"] == "forbidden"
    assert (await bob.call("qa:vote", {"question": question}))["error"]["code"] == "not_found"
    assert not bob.saw(question)

    approved = await moderator.call("qa:moderate", {"question": question, "action": "approve"})
    assert approved["ok"] and approved["question"]["state"] == "approved"
    await bob.wait("qa:question", lambda q: q["id"] == question and q["state"] == "approved")
    fixed = await moderator.call("qa:moderate", {"question": question, "action": "edit",
                                                 "text": "How did you train the GANs?"})
    assert fixed["question"]["text"] == "How did you train the GANs?"
    await bob.wait("qa:question", lambda q: q["id"] == question and q["text"].endswith("GANs?"))
    assert (await bob.call("qa:withdraw", {"question": question}))["error"]["code"] == "forbidden"

    voted = await bob.call("qa:vote", {"question": question})
    assert voted == {"ok": True, "question": question, "votes": 1, "voted": True}
    assert (await bob.call("qa:vote", {"question": question}))["error"]["code"] == "already_voted"
    await alice.wait("qa:tally", lambda t: t["votes"] == {question: 1})
    await bob.reconnect()  # a new connection with the same cookie is the same attendee
    snapshot = await bob.wait("qa:snapshot")
    assert snapshot["voted"] == [question] and snapshot["questions"][0]["votes"] == 1
    assert (await bob.call("qa:vote", {"question": question}))["error"]["code"] == "already_voted"

    pinned = await moderator.call("qa:moderate", {"question": question, "action": "pin"})
    assert pinned["question"]["on_air"]
    for client in (alice, bob, speaker):
        await client.wait("qa:question", lambda q: q["id"] == question and q["on_air"])
    assert (await alice.call("qa:withdraw", {"question": question}))["error"]["code"] == "on_air"

    await server.restart()  # mid-session: the queue must be intact
    for client in clients:
        client.events.clear()
        await client.reconnect(server.url)
    snapshot = await bob.wait("qa:snapshot")
    assert [(q["id"], q["on_air"], q["votes"]) for q in snapshot["questions"]] == [(question, True, 1)]
    assert (await bob.call("qa:vote", {"question": question}))["error"]["code"] == "already_voted"

    answered = await moderator.call("qa:moderate", {"question": question, "action": "answered"})
    assert answered["question"]["state"] == "answered" and not answered["question"]["on_air"]
    await bob.wait("qa:question", lambda q: q["id"] == question and q["state"] == "answered")


async def test_without_premoderation_everyone_sees_it_and_own_withdraw(tmp_path, start_server, clients):
    server = await start_server(program(tmp_path, premoderation=False), first_talk_in=timedelta(seconds=-70))
    alice, bob = await Client.attendee(server.url), await Client.attendee(server.url)
    clients += [alice, bob]
    for client in clients:
        await client.connect()
    asked = await alice.call("qa:ask", {"talk": "t1", "text": "Is the dataset public?"})
    question = asked["question"]["id"]
    await bob.wait("qa:question", lambda q: q["id"] == question and q["state"] == "approved")
    withdrawn = await alice.call("qa:withdraw", {"question": question})
    assert withdrawn["question"]["state"] == "withdrawn"
    await bob.wait("qa:question", lambda q: q["id"] == question and q["state"] == "withdrawn")
    # one question per 15 s per attendee by default
    limited = await alice.call("qa:ask", {"talk": "t1", "text": "And the code?"})
    assert limited["error"]["code"] == "rate_limited" and limited["error"]["retry_after"] > 10
    # five votes per second: a sixth vote or unvote in the same instant is refused
    other = (await bob.call("qa:ask", {"talk": "t1", "text": "Which GPU did you use?"}))["question"]["id"]
    replies = [await alice.call("qa:unvote" if i % 2 else "qa:vote", {"question": other}) for i in range(6)]
    assert [r["ok"] for r in replies] == [True] * 5 + [False]
    assert replies[-1]["error"]["code"] == "rate_limited"


async def test_closed_queue_and_tallies_are_coalesced(tmp_path, start_server, clients):
    server = await start_server(program(tmp_path, premoderation=False), first_talk_in=timedelta(seconds=-70),
                                qa_votes_per_second=100)
    watchers = [await Client.attendee(server.url) for _ in range(12)]
    clients += watchers
    for client in watchers:
        await client.connect()
    closed = await watchers[0].call("qa:ask", {"talk": "t2", "text": "Is this on yet?"})
    assert closed["error"]["code"] == "closed"
    question = (await watchers[0].call("qa:ask", {"talk": "t1", "text": "Which model?"}))["question"]["id"]
    replies = await asyncio.gather(*(w.call("qa:vote", {"question": question}) for w in watchers))
    assert sorted(r["votes"] for r in replies) == list(range(1, 13))
    final = await watchers[0].wait("qa:tally", lambda t: t["votes"].get(question) == 12)
    assert final["room"] == "main"
    tallies = [e for e, _ in watchers[0].events if e == "qa:tally"]
    assert 1 <= len(tallies) <= 3  # twelve votes at once: one tally now, the rest batched


async def test_malformed_payloads_get_error_acks(tmp_path, start_server, clients):
    server = await start_server(program(tmp_path), first_talk_in=timedelta(seconds=-70))
    moderator = Client(server.url, auth={"token": "mod-token"})
    clients.append(moderator)
    await moderator.connect()
    bad_payloads = [None, "text", 42, [1, 2], {}, {"question": 5, "talk": ["t1"], "text": None, "room": {}},
                    {"question": "nope", "talk": "nope", "text": "x" * 600, "action": "burn", "room": "nope"}]
    for event in EVENTS:
        for payload in bad_payloads:
            reply = await moderator.call(event, payload)
            assert reply["ok"] is False, (event, payload, reply)
            assert reply["error"]["code"] in ("bad_request", "not_found", "too_long"), (event, payload, reply)
            assert reply["error"]["message"]
    assert (await moderator.call("qa:explode", {}))["error"]["code"] == "unknown_event"
    huge = await moderator.call("qa:ask", {"talk": "t1", "text": "\x00\x1b[31m evil"})
    assert huge["error"]["code"] == "bad_text"
    assert moderator.sio.connected
