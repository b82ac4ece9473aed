"""The Q&A rules: text, who sees what, what each action does, ordering, when the queue is open."""
from dataclasses import replace
from datetime import timedelta

import pytest

from event_server.core import qa
from event_server.core.model import QaSettings
from event_server.core.permissions import Identity
from event_server.core.ratelimit import Buckets, Rate, give_back_all, take_all
from event_server.core.refusal import Refused
from event_server.core.timeline import slots
from event_server.loader import load_program
from tests.conftest import write_program


def question(**changes) -> qa.Question:
    base = qa.Question("q1", "t1", "main", "alice", None, "Why GANs?", "approved", False, 0, 1000, 1000)
    return replace(base, **changes)


def test_text_is_trimmed_and_bounded():
    assert qa.clean_text("  How   does\nit work?  ") == "How does it work?"
    for bad, code in (("hi", "too_short"), ("x" * 501, "too_long"), ("bell\x07", "bad_text"),
                      ("evil \u202e txet", "bad_text")):
        with pytest.raises(qa.Refused) as refused:
            qa.clean_text(bad)
        assert refused.value.code == code
    assert qa.clean_text("x" * 500) == "x" * 500
    assert qa.clean_name("   ") is None and qa.clean_name(" Ada ") == "Ada"
    with pytest.raises(qa.Refused):
        qa.clean_name("n" * 41)


def test_visibility_follows_state_and_author():
    alice, bob, mod = qa.Viewer("alice", False), qa.Viewer("bob", False), qa.Viewer("m", True)
    pending = question(state="pending")
    assert qa.visible(pending, alice) and qa.visible(pending, mod) and not qa.visible(pending, bob)
    assert qa.visible(question(), bob) and qa.visible(question(state="answered"), bob)
    for hidden in ("rejected", "archived"):  # from the public; the author learns their question was not taken
        assert not qa.visible(question(state=hidden), bob) and qa.visible(question(state=hidden), mod)
        assert qa.visible(question(state=hidden), alice)
    assert not qa.visible(question(state="withdrawn"), mod)


def test_a_talks_speakers_and_moderators_see_its_whole_queue(program):
    # The same rule as the HTTP export (core.permissions): a speaker sees their own talk's pending
    # questions, not those of another talk in the same room.
    t1, t2 = program.talk("t1"), program.talk("t2")  # ada speaks at t1, alan at t2
    assert qa.viewer(Identity("x", speaker="ada"), t1).privileged
    assert not qa.viewer(Identity("x", speaker="ada"), t2).privileged
    assert not qa.viewer(Identity("x", speaker="nobody"), t1).privileged
    assert qa.viewer(Identity("x", moderator=True), t2).privileged


def test_moderation_transitions():
    pending = question(state="pending")
    assert qa.moderate(pending, "approve", 2).state == "approved"
    pinned = qa.moderate(pending, "pin", 2)
    assert pinned.state == "approved" and pinned.on_air
    assert not qa.moderate(pinned, "unpin", 3).on_air
    answered = qa.moderate(pinned, "answered", 3)
    assert answered.state == "answered" and not answered.on_air
    assert qa.moderate(answered, "restore", 4).state == "approved"
    assert qa.moderate(question(), "edit", 4, "Why diffusion?").text == "Why diffusion?"
    for q, act in ((question(), "approve"), (question(), "unpin"), (pending, "answered"), (question(), "burn")):
        with pytest.raises(qa.Refused):
            qa.moderate(q, act, 5)


def test_withdraw_own_only_and_not_on_air():
    assert qa.withdraw(question(), "alice", 2).state == "withdrawn"
    with pytest.raises(qa.Refused, match="your own"):
        qa.withdraw(question(), "bob", 2)
    with pytest.raises(qa.Refused, match="on air"):
        qa.withdraw(question(on_air=True), "alice", 2)


def test_votes_only_in_the_queue():
    qa.check_vote(question())
    with pytest.raises(qa.Refused):
        qa.check_vote(question(state="pending"))


def test_order_is_votes_then_age():
    a, b, c = question(id="a", votes=1, created_ms=1), question(id="b", votes=3, created_ms=5), question(id="c", votes=1, created_ms=0)
    assert [q.id for q in qa.ordered([a, b, c])] == ["b", "c", "a"]


def test_audiences_keep_pending_private():
    assert qa.audiences(None, question(state="pending")) == {"mod", "speakers", "author"}
    assert "room" in qa.audiences(None, question())
    assert "room" in qa.audiences(question(), question(state="rejected"))  # leaves the public queue


@pytest.fixture
def program(tmp_path):
    return load_program(write_program(tmp_path, [{"slug": "t1", "start": "12:00", "seconds": 600, "qa": 10},
                                                 {"slug": "t2", "start": "13:00", "seconds": 600, "qa": 10,
                                                  "speaker": "alan"}]))


@pytest.mark.parametrize("during_premiere", [True, False])
def test_queue_opens_with_the_qa(program, during_premiere):
    effective, talk = slots(program), program.talk("t1")
    settings = QaSettings(open_during_premiere=during_premiere)
    assert not qa.is_open(effective, talk, talk.start - timedelta(minutes=1), settings)
    assert qa.is_open(effective, talk, talk.start + timedelta(minutes=1), settings) is during_premiere
    assert qa.is_open(effective, talk, talk.qa_start + timedelta(minutes=1), settings)
    assert not qa.is_open(effective, talk, talk.end, settings)
    assert not qa.is_open(effective, program.talk("t2"), talk.qa_start, settings)
    # between talks the room keeps showing the last queue; before the first, the next one's
    assert qa.queue_talk(effective, "main", talk.end + timedelta(minutes=5)) == "t1"
    assert qa.queue_talk(effective, "main", talk.start - timedelta(hours=1)) == "t1"


def test_token_buckets():
    one_per_15 = Buckets(Rate.every(15))
    assert one_per_15.take("a", 0) == 0
    assert one_per_15.take("a", 1) == pytest.approx(14)
    assert one_per_15.take("b", 1) == 0  # keys are independent
    assert one_per_15.take("a", 15) == 0
    five = Buckets(Rate.per(5))
    assert [five.take("a", 10.0) for _ in range(6)][-1] > 0
    assert all(Buckets(Rate.every(0)).take("a", 1.0) == 0 for _ in range(100))  # 0 s: no limit
    assert all(Buckets(Rate.per(0)).take("a", 1.0) == 0 for _ in range(100))  # 0 per second: no limit
    five.prune(100)
    assert len(five) == 0  # full buckets are forgotten


def test_an_action_limited_by_two_buckets_spends_from_neither_when_one_refuses():
    person, address = Buckets(Rate.every(15)), Buckets(Rate.every(15, burst=3))
    assert take_all([(person, "spammer"), (address, "nat")], 0) == 0
    assert take_all([(person, "spammer"), (address, "nat")], 1) == pytest.approx(14)
    assert take_all([(person, "spammer"), (address, "nat")], 2) == pytest.approx(13)
    # the spammer's refusals left the address's allowance for the neighbours
    assert take_all([(person, "alice"), (address, "nat")], 3) == 0
    assert take_all([(person, "bob"), (address, "nat")], 3) == 0
    give_back_all([(person, "bob"), (address, "nat")], 3)  # bob's question was refused after all (e.g. too short)
    assert take_all([(person, "bob"), (address, "nat")], 3) == 0
    assert take_all([(person, "carol"), (address, "nat")], 3) > 0  # now the address has given its three


def test_the_archive_opens_when_the_qa_ends_and_keeps_answered_questions(program):
    first = slots(program)[0]
    assert not qa.archive_open(first, first.end - timedelta(seconds=1))
    assert qa.archive_open(first, first.end)
    answered = [question(id="a", state="answered", votes=1, created_ms=1), question(id="b", state="answered", votes=4),
                question(id="c", state="approved", votes=9), question(id="d", state="archived", votes=9)]
    assert [(q.id, hidden) for q, hidden in qa.archived(answered, {"b"}, moderator=False)] == [("a", False)]
    assert [(q.id, hidden) for q, hidden in qa.archived(answered, {"b"}, moderator=True)] == [("b", True), ("a", False)]
    qa.check_hide(answered[0])
    with pytest.raises(Refused) as refused:
        qa.check_hide(answered[2])
    assert refused.value.code == "wrong_state"
