"""The open call's pure rules: the three kinds of entry, introductions, pairings, whose address is given,
how long entries are kept, and when the mail queue tries again."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from event_server.core import open_call, outbox
from event_server.core.model import ROLES, Event, OpenCall, Text
from event_server.core.refusal import Refused
from event_server.core.rules import EMAIL, is_address

CALL = OpenCall(Text.of("Call"), Text.of("Text"), datetime(2020, 8, 1, 20, 59, 59, tzinfo=UTC))
EVENT = Event("e", Text.of("E"), Text.of("E"), ZoneInfo("Europe/Moscow"), date(2020, 9, 19), date(2020, 9, 20))


def test_the_deadline_follows_the_clock_given():
    assert open_call.is_open(CALL, datetime(2020, 8, 1, 20, 0, tzinfo=UTC))
    assert not open_call.is_open(CALL, datetime(2020, 8, 1, 21, 0, tzinfo=UTC))
    assert not open_call.is_open(None, datetime(2020, 1, 1, tzinfo=UTC))


FIELDS = {"name": " Ada ", "email": "ada@example.org", "role": "musician", "title": "Song", "description": "",
          "technique": "GLOW", "links": "https://a.example/1\n\nhttps://b.example/2", "motivation": ""}


def test_a_good_work_is_trimmed_and_its_links_split():
    sub, errors = open_call.check_entry("work", FIELDS, ROLES, has_upload=False)
    assert errors == {} and sub.name == "Ada" and sub.links == ("https://a.example/1", "https://b.example/2")
    assert sub.kind == "work" and not sub.share_email  # works meet nobody: no address to give


def test_work_mistakes_are_named_per_field():
    _, errors = open_call.check_entry("work", {**FIELDS, "email": "ada", "role": "boss", "title": "",
                                               "links": "https://ok.example\nftp://x.example", "motivation": "x" * 7000},
                                      ROLES, has_upload=False)
    assert set(errors) == {"email", "role", "title", "links", "motivation"}
    assert errors["links"] == ("Links must be full https:// addresses, one per line: {link} is not.",
                               {"link": "ftp://x.example"})
    assert errors["motivation"][1] == {"limit": 6000, "length": 7000}
    _, errors = open_call.check_entry("work", {**FIELDS, "links": ""}, ROLES, has_upload=False)
    assert set(errors) == {"links"}  # something to look at: a link or a file
    assert open_call.check_entry("work", {**FIELDS, "links": ""}, ROLES, has_upload=True)[1] == {}
    for bad in ("http://a.example", "https://", "https://localhost/x", "https://a.example/x y", "javascript:alert(1)"):
        assert not is_address(bad), bad


def test_an_idea_says_what_help_it_needs_and_may_share_the_address():
    idea = {"name": "Ada", "email": "ada@example.org", "role": "artist", "title": "Paintings that dream",
            "description": "My oil paintings, continued by a network.", "help": "train a StyleGAN2 on my paintings",
            "share_email": "on"}
    sub, errors = open_call.check_entry("idea", idea, ROLES, has_upload=True)  # a sketch may come along
    assert errors == {} and sub.help == "train a StyleGAN2 on my paintings" and sub.share_email
    _, errors = open_call.check_entry("idea", {**idea, "help": " ", "description": ""}, ROLES, has_upload=False)
    assert set(errors) == {"help", "description"}


def test_a_profile_is_a_data_scientists_and_has_no_file():
    profile = {"name": "Alan", "email": "alan@example.org", "skills": "GANs, diffusion", "tools": "PyTorch",
               "availability": "two evenings a week", "role": "artist", "title": "ignored"}
    sub, errors = open_call.check_entry("profile", profile, ("artist",), has_upload=False)
    assert errors == {} and sub.role == "data-scientist" and sub.title == "" and not sub.share_email
    assert set(open_call.check_entry("profile", {**profile, "skills": ""}, ROLES, False)[1]) == {"skills"}
    assert set(open_call.check_entry("profile", profile, ROLES, has_upload=True)[1]) == {"upload"}
    assert set(open_call.check_entry("poem", profile, ROLES, False)[1]) == {"kind"}


def test_an_address_must_fit_a_header_as_it_is():
    assert EMAIL.match("ada.l+art@example.org")
    for bad in ("ada", "a,b@example.org", "Ada <ada@example.org>", '"a"@example.org', "a b@example.org"):
        assert not EMAIL.match(bad), bad


def test_who_may_be_introduced():
    open_call.check_introduction(("idea", "new"), [("profile", "accepted"), ("profile", "new")], already=0)
    for idea, profiles, already, code in [
            (("work", "new"), [("profile", "new")], 0, "bad_request"),
            (("idea", "rejected"), [("profile", "new")], 0, "wrong_state"),
            (("idea", "new"), [], 0, "bad_request"),
            (("idea", "new"), [("profile", "withdrawn")], 0, "wrong_state"),
            (("idea", "new"), [("idea", "new")], 0, "wrong_state"),
            (("idea", "accepted"), [("profile", "new")], 1, "duplicate")]:
        with pytest.raises(Refused) as refused:
            open_call.check_introduction(idea, profiles, already)
        assert refused.value.code == code


def test_a_pairing_is_accepted_only_by_hanging_its_work():
    open_call.check_move("introduced", "working")
    open_call.check_move("submitted", "ended")
    with pytest.raises(Refused, match="hanging"):
        open_call.check_move("submitted", "accepted")
    with pytest.raises(Refused, match="take the work down"):
        open_call.check_move("accepted", "working")


def test_addresses_are_given_only_when_both_said_yes():
    assert open_call.addresses_shared(True, True)
    assert not open_call.addresses_shared(True, False) and not open_call.addresses_shared(False, True)


def test_entries_are_kept_half_a_year_after_the_event_unless_the_call_says():
    assert open_call.keep_until(CALL, EVENT) == datetime(2021, 3, 19, 23, 59, 59, tzinfo=ZoneInfo("Europe/Moscow"))
    own = OpenCall(CALL.title, CALL.text, CALL.deadline, keep_until=datetime(2020, 12, 31, tzinfo=UTC))
    assert open_call.keep_until(own, EVENT) == datetime(2020, 12, 31, tzinfo=UTC)


def test_letters_are_tried_again_sooner_then_later_but_always():
    waits = [outbox.retry_at(n, 0) for n in range(1, 12)]
    assert waits[:4] == [2_000, 4_000, 8_000, 16_000]
    assert waits[-1] == outbox.LONGEST_RETRY_MS == timedelta(minutes=10).total_seconds() * 1000
    assert outbox.DELIVERY_TIMEOUT * 1000 < outbox.LEASE_MS  # a worker gives up before its claim runs out
