"""Pre-encoded JSON is spliced into socket.io packets exactly where it stands (live/snapshot.py)."""
import json

from event_server.live.snapshot import Encoded, Packet, _Json


def test_encoded_values_are_written_as_they_are_wherever_they_stand():
    state = Encoded('{"phase":"qa","talks":{"a":{"title":{"ru":"Доклад"}}}}')
    data = ["room:state", {"ok": True, "state": state, "presence": 3, "also": [Encoded("[1,2]"), "x"]}]
    text = Packet(2, data=data).encode()
    assert text[0] == "2"
    assert json.loads(text[1:]) == ["room:state", {"ok": True, "state": state.decoded(), "presence": 3,
                                                   "also": [[1, 2], "x"]}]


def test_text_that_looks_like_the_marker_stays_text():
    sneaky = _Json.mark.replace("\x00", "\\u0000")
    data = {"text": _Json.mark[1:], "other": sneaky, "state": Encoded("{}")}
    assert json.loads(_Json.dumps(data)) == {"text": _Json.mark[1:], "other": sneaky, "state": {}}


def test_a_payload_without_encoded_values_is_plain_json():
    assert _Json.dumps({"a": [1, "b"]}, separators=(",", ":")) == '{"a":[1,"b"]}'
