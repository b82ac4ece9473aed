"""Who may and who may not, proven on the real server for every HTTP route and every socket action.

Each route and action declares the capability it needs (@requires in web/, @action in live/). The
tables below say what each route and action must need; the tests fail if a route or action exists
that the tables do not list, if one declares another capability than its row, or if a real request
as each role is answered otherwise than the capability says.
"""
from __future__ import annotations

import re
from datetime import timedelta

import aiohttp
import pytest

from event_server.core.permissions import Can, Identity, may
from event_server.live import LIVE
from event_server.web.keys import SERVICES
from tests.live.qa_clients import Client
from tests.live.test_qa_queue import program

# method, route as registered → (a real path to request, the capability it needs)
ROUTES = {
    ("GET", "/"): ("/", Can.WATCH),
    ("GET", "/schedule"): ("/schedule", Can.WATCH),
    ("GET", "/talks/{slug}"): ("/talks/t1", Can.WATCH),
    ("GET", "/speakers/{slug}"): ("/speakers/ada", Can.WATCH),
    ("GET", "/login"): ("/login", Can.WATCH),
    ("POST", "/login"): ("/login", Can.WATCH),
    ("POST", "/logout"): ("/logout", Can.WATCH),
    ("GET", "/schedule.ics"): ("/schedule.ics", Can.WATCH),
    ("GET", "/schedule.json"): ("/schedule.json", Can.WATCH),
    ("GET", "/schedule.xml"): ("/schedule.xml", Can.WATCH),
    ("GET", "/talks/{slug}.ics"): ("/talks/t1.ics", Can.WATCH),
    ("GET", "/speakers/{slug}.ics"): ("/speakers/ada.ics", Can.WATCH),
    ("GET", "/rooms/{slug}.ics"): ("/rooms/main.ics", Can.WATCH),
    ("GET", "/rooms/{slug}"): ("/rooms/main", Can.WATCH),
    ("GET", "/rooms/{slug}/overlay"): ("/rooms/main/overlay", Can.WATCH),
    ("GET", "/rooms/{slug}/stage"): ("/rooms/main/stage", Can.STAGE),
    ("GET", "/stage/{token}"): ("/stage/not-a-token", Can.WATCH),
    ("GET", "/moderate/{room}"): ("/moderate/main", Can.MODERATE),
    ("GET", "/speak/{token}"): ("/speak/not-a-token", Can.WATCH),
    ("GET", "/recordings/{slug}"): ("/recordings/t1", Can.WATCH),
    ("GET", "/recordings/{slug}/captions/{lang}.vtt"): ("/recordings/t1/captions/en.vtt", Can.WATCH),
    ("GET", "/recordings/{slug}/hls/{name}"): ("/recordings/t1/hls/index.m3u8", Can.WATCH),
    ("GET", "/talks/{slug}/questions.csv"): ("/talks/t1/questions.csv", Can.READ_TALK_QUEUE),
    ("GET", "/talks/{slug}/questions.json"): ("/talks/t1/questions.json", Can.READ_TALK_QUEUE),
    ("POST", "/talks/{slug}/archive/{question}"): ("/talks/t1/archive/none", Can.MODERATE),
    ("GET", "/gallery"): ("/gallery", Can.WATCH),
    ("GET", "/gallery/{room}"): ("/gallery/none", Can.WATCH),
    ("GET", "/gallery/{room}/{work}"): ("/gallery/none/none", Can.WATCH),
    ("GET", r"/gallery/{room}/{work}/thumb-{width}.{fmt}"): ("/gallery/none/none/thumb-320.jpg", Can.WATCH),
    ("GET", "/uploads/{name}"): ("/uploads/none.png", Can.WATCH),
    ("GET", "/open-call"): ("/open-call", Can.WATCH),
    ("POST", "/open-call"): ("/open-call", Can.WATCH),
    ("GET", "/open-call/sent/{ref}"): ("/open-call/sent/OC-NONE", Can.WATCH),
    ("GET", "/open-call/withdraw/{token}"): ("/open-call/withdraw/not-a-token", Can.WATCH),
    ("POST", "/open-call/withdraw/{token}"): ("/open-call/withdraw/not-a-token", Can.WATCH),
    ("GET", "/curate"): ("/curate", Can.CURATE),
    ("GET", "/curate/uploads/{name}"): ("/curate/uploads/none.png", Can.CURATE),
    ("GET", "/curate/{ref}"): ("/curate/OC-NONE", Can.CURATE),
    ("POST", "/curate/{ref}/accept"): ("/curate/OC-NONE/accept", Can.CURATE),
    ("POST", "/curate/{ref}/reject"): ("/curate/OC-NONE/reject", Can.CURATE),
    ("POST", "/curate/{ref}/introduce"): ("/curate/OC-NONE/introduce", Can.CURATE),
    ("POST", "/curate/pairings/{pairing}"): ("/curate/pairings/PR-NONE", Can.CURATE),
    ("GET", "/curate/mail"): ("/curate/mail", Can.CURATE),
    ("POST", "/curate/mail/{mail}/send-again"): ("/curate/mail/none/send-again", Can.CURATE),
    ("GET", "/report"): ("/report", Can.MODERATE),
    ("GET", "/report.csv"): ("/report.csv", Can.MODERATE),
    ("GET", "/report.json"): ("/report.json", Can.MODERATE),
    ("GET", "/healthz"): ("/healthz", Can.WATCH),
    ("GET", "/readyz"): ("/readyz", Can.WATCH),
    # METRICS_TOKEN, not a role, opens it: every role without the token gets a 401 (tests/live/test_ops.py)
    ("GET", "/metrics"): ("/metrics", Can.WATCH),
}
# event → (a payload, the capability it needs)
ACTIONS = {
    "room:join": ({"room": "main"}, Can.WATCH),
    "clock:sync": ({"t0": 1}, Can.WATCH),
    "qa:list": ({"talk": "t1"}, Can.WATCH),
    "qa:ask": ({"talk": "t1", "text": "Is this allowed?"}, Can.ATTEND),
    "qa:vote": ({"question": "none"}, Can.ATTEND),
    "qa:unvote": ({"question": "none"}, Can.ATTEND),
    "qa:withdraw": ({"question": "none"}, Can.ATTEND),
    "qa:moderate": ({"question": "none", "action": "approve"}, Can.MODERATE),
    "qa:block": ({"question": "none"}, Can.MODERATE),
    "schedule:adjust": ({"action": "delay", "talk": "t2", "minutes": 1}, Can.MODERATE),
    "room:react": ({"room": "main", "kind": "👏"}, Can.ATTEND),
}
# The identities the requests carry (the speaker speaks at t1, the talk the routes above name).
ROLES = {"attendee": Identity("x"), "speaker": Identity("x", speaker="ada"),
         "moderator": Identity("x", moderator=True), "curator": Identity("x", curator=True)}


@pytest.fixture
async def server(tmp_path, start_server):
    return await start_server(program(tmp_path, premoderation=False), first_talk_in=timedelta(seconds=-70),
                              qa_ask_interval=0, metrics_token="scrape-token")


def _static(resource) -> bool:
    return resource.canonical.startswith(("/static/", "/media", "/socket.io"))


async def test_every_route_declares_the_capability_its_row_says(server):
    app = server.server.app
    found = {(route.method, route.resource.canonical): getattr(route.handler, "needs", Can.WATCH)
             for route in app.router.routes() if route.method != "HEAD" and not _static(route.resource)}
    assert set(found) == set(ROUTES), "a route is missing from this test's table, or the table lists a gone one"
    assert {key: needs for key, needs in found.items()} == {key: row[1] for key, row in ROUTES.items()}


async def _session_cookie(server, who: Identity) -> dict:
    """A speaker's link, or a real staff session signed in with the role's token."""
    services = server.server.app[SERVICES]
    powers: dict = {"speaker": who.speaker} if who.speaker else {}
    token = "mod-token" if who.moderator else "cur-token" if who.curator else None
    if token:
        powers["staff"] = (await services.staff.open(token))[0]
    return {"es_session": services.signer.session.dumps(powers)} if powers else {}


@pytest.mark.parametrize("role", list(ROLES))
async def test_each_role_gets_exactly_the_routes_its_capabilities_allow(server, role):
    who = ROLES[role]
    jar = aiohttp.CookieJar(unsafe=True)  # keep the attendee cookie of 127.0.0.1: the CSRF token is bound to it
    async with aiohttp.ClientSession(cookies=await _session_cookie(server, who), cookie_jar=jar) as session:
        async with session.get(server.url + "/login") as page:  # the attendee cookie and a CSRF token
            csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)
        for (method, route), (path, needs) in ROUTES.items():
            if route in ("/login", "/logout") and method == "POST":
                continue  # they check a token, or end the session the loop uses: tests/web/test_pages.py
            async with session.request(method, server.url + path, data={"csrf": csrf} if method == "POST" else None,
                                       allow_redirects=False) as response:
                refused = response.status == 403 or (
                    response.status == 303 and response.headers["Location"].startswith("/login?next="))
                allowed = may(who, needs, server.event.program.talk("t1"))
                assert refused != allowed, f"{role}: {method} {path} answered {response.status}"


async def test_every_socket_action_declares_the_capability_its_row_says(server):
    found = {name: spec.needs for name, (spec, _) in server.server.app[LIVE].actions.items()}
    assert found == {name: row[1] for name, row in ACTIONS.items()}


@pytest.mark.parametrize("role", list(ROLES))
async def test_each_role_may_send_exactly_the_actions_its_capabilities_allow(server, role):
    who = ROLES[role]
    page = await Client.attendee(server.url)
    cookie = "; ".join([page.cookie] + [f"{k}={v}" for k, v in (await _session_cookie(server, who)).items()])
    client = await Client(server.url, cookie).connect()
    try:
        for event, (payload, needs) in ACTIONS.items():
            reply = await client.call(event, payload)
            forbidden = not reply["ok"] and reply["error"]["code"] == "forbidden"
            assert forbidden != may(who, needs), f"{role}: {event} answered {reply}"
    finally:
        await client.close()
