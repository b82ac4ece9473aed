"""Pre-encoded JSON is spliced into socket.io packets and pages exactly where it stands (services/room_states.py)."""
import json

from event_server.live.snapshot import Packet
from event_server.services.room_states import JSON, Encoded


def test_encoded_values_are_written_as_they_are_wherever_they_stand():
    state = Encoded('{"phase":"qa","talks":{"a":{"title":{"ru":"Доклад"}}}}')
    data = ["room:state", {"ok": True, "state": state, "presence": 3, "also": [Encoded("[1,2]"), "x"]}]
    text = Packet(2, data=data).encode()
    assert text[0] == "2"
    assert json.loads(text[1:]) == ["room:state", {"ok": True, "state": state.decoded(), "presence": 3,
                                                   "also": [[1, 2], "x"]}]


def test_text_that_looks_like_the_marker_stays_text():
    sneaky = JSON.mark.replace("\x00", "\\u0000")
    data = {"text": JSON.mark[1:], "other": sneaky, "state": Encoded("{}")}
    assert json.loads(JSON.dumps(data)) == {"text": JSON.mark[1:], "other": sneaky, "state": {}}


def test_a_payload_without_encoded_values_is_plain_json():
    assert JSON.dumps({"a": [1, "b"]}, separators=(",", ":")) == '{"a":[1,"b"]}'
