"""Socket actions, declared where they are written: `@action("qa:vote", Can.ATTEND)` marks a method of an
action group (live/room.py, live/qa.py) with its event name and the capability it needs. Nothing is
registered at import time: the live service collects the marked methods of the groups it builds.
"""
from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..core.permissions import Can, Identity
from ..core.refusal import Refused

Reply = dict[str, Any] | None
Handler = Callable[["Context", dict], Awaitable[Reply]]
Method = TypeVar("Method", bound=Callable[..., Awaitable[Any]])


@dataclass(frozen=True)
class Context:
    """Who sent an action: their socket, identity (from the handshake) and address."""

    sid: str
    identity: Identity
    ip: str
    remembered: bool = False  # the attendee identity came from the cookie a page load set, not made up for the socket


@dataclass(frozen=True)
class Action:
    name: str  # the socket.io event
    needs: Can  # who may send it (core.permissions)


def action(name: str, needs: Can = Can.WATCH) -> Callable[[Method], Method]:
    def mark(handler: Method) -> Method:
        handler.action = Action(name, needs)  # type: ignore[attr-defined]
        return handler
    return mark


def actions_of(*groups: object) -> dict[str, tuple[Action, Handler]]:
    """Every marked method of these objects, by event name."""
    table: dict[str, tuple[Action, Handler]] = {}
    for group in groups:
        for attribute in dir(type(group)):
            spec = getattr(getattr(type(group), attribute), "action", None)
            if isinstance(spec, Action):
                if spec.name in table:
                    raise ValueError(f"two handlers for {spec.name}")
                table[spec.name] = (spec, getattr(group, attribute))
    return table


def field(data: dict, name: str, kind: type = str, *, required: bool = True) -> Any:
    """One payload field of the expected type, or a bad_request refusal that names it."""
    value = data.get(name)
    if value is None and not required:
        return None
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise Refused("bad_request", f"'{name}' must be a {kind.__name__}")
    return value


def check_payload(data: Any) -> None:
    """What JSON lets through but no action can use, refused once before any action reads it: text that is
    not valid Unicode (a lone surrogate, written "\\ud800" in JSON, cannot be stored or sent on) and the
    numbers NaN and Infinity (not JSON: an ack echoing one would not parse in a browser)."""
    stack = [data]
    while stack:  # not recursive: a deeply nested payload must not exhaust the stack
        value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise Refused("bad_text", "the text is not valid Unicode (a lone surrogate?): send it as UTF-8 "
                                          "text") from None
        elif isinstance(value, float) and not math.isfinite(value):
            raise Refused("bad_request", "numbers must be finite: NaN and Infinity are not accepted")
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
