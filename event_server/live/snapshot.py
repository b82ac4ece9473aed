"""The socket.io packet class that sends pre-encoded JSON (services/room_states.py) as it is:
`socketio.AsyncServer(serializer=Packet)`, so a join's ack and its `room:state` event splice the same text."""
from __future__ import annotations

from socketio import packet

from ..services.room_states import JSON


class Packet(packet.Packet):
    json = JSON
