"""The one permission rule, as a table: every role against every capability (core.permissions)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from event_server.core.model import Recording, Talk, Text
from event_server.core.permissions import Can, Identity, may

TALK = Talk("t1", Text.of("T"), ("ada",), "main", datetime(2020, 9, 19, 12), Recording(timedelta(minutes=3), "a.webm"))
OTHER = Talk("t2", Text.of("U"), ("alan",), "main", datetime(2020, 9, 19, 13), Recording(timedelta(minutes=3), "a.webm"))
ROLES = {"nobody": Identity(), "attendee": Identity("a1"), "speaker of t1": Identity("a2", speaker="ada"),
         "moderator": Identity("a3", moderator=True), "curator": Identity("a4", curator=True),
         "OBS with the stage link": Identity(stage="main")}
#                      nobody attendee speaker moderator curator  stage link   (speaker: of t1, asked about t1 / t2)
TABLE = {Can.WATCH: (True, True, True, True, True, True),
         Can.ATTEND: (False, True, True, True, True, False),
         Can.READ_TALK_QUEUE: (False, False, True, True, False, False),
         Can.MODERATE: (False, False, False, True, False, False),
         Can.CURATE: (False, False, False, False, True, False),
         Can.STAGE: (False, False, False, True, False, True)}


@pytest.mark.parametrize("can", list(Can), ids=lambda c: c.name)
def test_every_role_against_every_capability(can):
    assert {role: may(who, can, TALK) for role, who in ROLES.items()} == dict(zip(ROLES, TABLE[can], strict=True))


def test_a_speaker_reads_only_their_own_talks_queue():
    assert may(ROLES["speaker of t1"], Can.READ_TALK_QUEUE, TALK)
    assert not may(ROLES["speaker of t1"], Can.READ_TALK_QUEUE, OTHER)
    assert not may(ROLES["speaker of t1"], Can.READ_TALK_QUEUE, None)
    assert may(ROLES["moderator"], Can.READ_TALK_QUEUE, OTHER)
