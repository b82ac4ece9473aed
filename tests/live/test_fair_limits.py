"""Fair limits on the Q&A: a spammer behind the same NAT cannot get honest neighbours refused, one person
cannot vote many times, and nothing is counted outside the talk's Q&A.

Every client here connects from 127.0.0.1: one address, as a venue's or an office's NAT would be.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.live.qa_clients import Client
from tests.live.test_qa_queue import program


@pytest.fixture
async def clients():
    made: list[Client] = []

    async def attendee(url: str, cookie: bool = True) -> Client:
        client = await Client.attendee(url) if cookie else Client(url)
        made.append(client)
        return await client.connect()
    yield attendee
    for client in made:
        await client.close()


async def test_a_spammers_refused_questions_leave_the_address_allowance_to_the_neighbours(tmp_path, start_server,
                                                                                           clients):
    server = await start_server(program(tmp_path, premoderation=False), first_talk_in=timedelta(seconds=-70))
    spammer = await clients(server.url)
    replies = [await spammer.call("qa:ask", {"talk": "t1", "text": f"Buy my course, lesson {i}"}) for i in range(12)]
    assert [r["ok"] for r in replies] == [True] + [False] * 11
    assert {r["error"]["code"] for r in replies[1:]} == {"rate_limited"}
    # the address (ten questions at once) spent one, on the spammer's one accepted question
    neighbours = [await clients(server.url) for _ in range(9)]
    asked = [await n.call("qa:ask", {"talk": "t1", "text": f"An honest question number {i}"})
             for i, n in enumerate(neighbours)]
    assert [a["ok"] for a in asked] == [True] * 9, asked


async def test_a_refused_vote_spends_no_allowance(tmp_path, start_server, clients):
    server = await start_server(program(tmp_path, premoderation=False), first_talk_in=timedelta(seconds=-70),
                                qa_ask_interval=0, qa_votes_per_second=2)
    alice, bob = await clients(server.url), await clients(server.url)
    first = (await alice.call("qa:ask", {"talk": "t1", "text": "First question here"}))["question"]["id"]
    second = (await alice.call("qa:ask", {"talk": "t1", "text": "Second question here"}))["question"]["id"]
    assert (await bob.call("qa:vote", {"question": first}))["ok"]
    assert (await bob.call("qa:vote", {"question": first}))["error"]["code"] == "already_voted"
    assert (await bob.call("qa:vote", {"question": second}))["ok"]  # the refusal above cost nothing


async def test_a_socket_without_the_page_cookie_cannot_vote_so_reconnecting_gives_no_extra_votes(
        tmp_path, start_server, clients):
    server = await start_server(program(tmp_path, premoderation=False), first_talk_in=timedelta(seconds=-70))
    asker = await clients(server.url)
    question = (await asker.call("qa:ask", {"talk": "t1", "text": "How many votes can one person give?"}))
    replies = []
    for _ in range(10):
        bare = await clients(server.url, cookie=False)  # each connection without the cookie: a new identity
        replies.append(await bare.call("qa:vote", {"question": question["question"]["id"]}))
        await bare.close()
    assert {r["error"]["code"] for r in replies} == {"forbidden"}
    assert "open the event's page" in replies[0]["error"]["message"]
    listed = await asker.call("qa:list", {"talk": "t1"})
    assert listed["questions"][0]["votes"] == 0


async def test_one_address_gives_one_question_at_most_its_cap_of_votes(tmp_path, start_server, clients):
    server = await start_server(program(tmp_path, premoderation=False), first_talk_in=timedelta(seconds=-70),
                                qa_votes_per_address=3)
    voters = [await clients(server.url) for _ in range(4)]
    question = (await voters[0].call("qa:ask", {"talk": "t1", "text": "Shall we vote on it?"}))["question"]["id"]
    replies = [await v.call("qa:vote", {"question": question}) for v in voters]
    assert [r.get("votes") for r in replies] == [1, 2, 3, None]
    assert replies[3]["error"]["code"] == "address_limit" and replies[3]["error"]["limit"] == 3


async def test_no_votes_or_questions_once_the_talks_qa_has_ended(tmp_path, start_server, clients):
    server = await start_server(program(tmp_path, premoderation=False), first_talk_in=timedelta(seconds=-70))
    alice, bob = await clients(server.url), await clients(server.url)
    question = (await alice.call("qa:ask", {"talk": "t1", "text": "Still open?"}))["question"]["id"]
    server.event.clock.offset += timedelta(minutes=10)  # t1: 60 s of premiere and 5 minutes of Q&A, long over
    late_vote = await bob.call("qa:vote", {"question": question})
    late_question = await bob.call("qa:ask", {"talk": "t1", "text": "Am I too late?"})
    assert late_vote["error"]["code"] == late_question["error"]["code"] == "closed"
