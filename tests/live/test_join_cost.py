"""Joining, leaving and disconnecting cost the same in a full room as in an empty one: a socket's rooms
are indexed (live/broadcast.py), so nothing scans every room of the namespace, and the head count is
the room's size, not a walk over it (live/presence.py)."""
from __future__ import annotations

import socketio

from event_server.live import broadcast


class Watched(dict):
    """The namespace's rooms, counting every walk over all of them."""

    walks = 0

    def items(self):
        Watched.walks += 1
        return super().items()

    def copy(self):
        Watched.walks += 1
        return Watched(super().copy())


def crowded_manager(people: int):
    sio = broadcast.install(socketio.AsyncServer(async_mode="aiohttp"))
    manager = sio.manager
    for i in range(people):  # each attendee: connected, in the room, in their own att:<id> group
        sid = f"s{i}"
        manager.basic_enter_room(sid, "/", None, eio_sid=f"e{i}")
        manager.basic_enter_room(sid, "/", sid)
        manager.basic_enter_room(sid, "/", "room:ml-art")
        manager.basic_enter_room(sid, "/", f"att:{i}")
    manager.rooms["/"] = Watched(manager.rooms["/"])
    Watched.walks = 0
    return sio, manager


async def test_rooms_of_a_socket_and_its_disconnect_walk_no_other_room():
    sio, manager = crowded_manager(5000)
    assert sorted(sio.rooms("s42")) == ["att:42", "room:ml-art", "s42"]
    await manager.enter_room("s42", "/", "mod:ml-art")
    await manager.leave_room("s42", "/", "mod:ml-art")
    await manager.disconnect("s42", "/")
    assert Watched.walks == 0
    assert "att:42" not in manager.rooms["/"] and "s42" not in manager.rooms["/"]["room:ml-art"]
    assert len(manager.rooms["/"]["room:ml-art"]) == 4999 and sio.rooms("s42") == []
    assert sorted(sio.rooms("s43")) == ["att:43", "room:ml-art", "s43"]  # the others are untouched
