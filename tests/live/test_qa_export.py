"""Each talk's questions as CSV and JSON: for moderators and that talk's speaker only, safe to open in
a spreadsheet."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import aiohttp

from event_server.web.keys import SERVICES
from tests.live.qa_clients import Client
from tests.live.test_qa_queue import program


async def test_export_is_private_and_spreadsheet_safe(tmp_path, start_server):
    server = await start_server(program(tmp_path, premoderation=False), first_talk_in=timedelta(seconds=-70),
                                qa_ask_interval=0)
    alice = await Client.attendee(server.url)
    await alice.connect()
    try:
        for text in ("=HYPERLINK(\"http://evil\",\"click\")", "@SUM(A1:A2) what?", "Как обучали модель?"):
            reply = await alice.call("qa:ask", {"talk": "t1", "text": text, "name": "-Ада"})
            assert reply["ok"], reply
    finally:
        await alice.close()

    session = server.server.app[SERVICES].signer.session
    url = f"{server.url}/talks/t1/questions"
    async with aiohttp.ClientSession() as anonymous:
        for suffix in (".csv", ".json"):
            async with anonymous.get(url + suffix) as response:
                assert response.status == 403
                assert "Only moderators and this talk" in await response.text()
    other_speaker = {"es_session": session.dumps({"speaker": "alan"})}
    async with aiohttp.ClientSession(cookies=other_speaker) as alan, alan.get(url + ".csv") as response:
        assert response.status == 403

    speaker = {"es_session": session.dumps({"speaker": "ada"})}
    async with aiohttp.ClientSession(cookies=speaker) as ada, ada.get(url + ".csv") as response:
        assert response.status == 200
        assert response.headers["Content-Disposition"] == 'attachment; filename="t1-questions.csv"'
        body = (await response.read()).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert list(rows[0]) == ["id", "asked_at", "state", "on_air", "votes", "name", "text", "changed_at"]
    # asked within the same millisecond they may come in either order: compare them sorted
    assert sorted(r["text"] for r in rows) == ["'=HYPERLINK(\"http://evil\",\"click\")", "'@SUM(A1:A2) what?",
                                               "Как обучали модель?"]
    assert {r["name"] for r in rows} == {"'-Ада"} and {r["state"] for r in rows} == {"approved"}

    staff = (await server.server.app[SERVICES].staff.open("mod-token"))[0]  # a real sign-in
    moderator = {"es_session": session.dumps({"staff": staff})}
    async with aiohttp.ClientSession(cookies=moderator) as mod, mod.get(url + ".json") as response:
        assert response.status == 200
        data = await response.json()
    assert data["talk"] == "t1" and len(data["questions"]) == 3
    assert any(q["text"].startswith("=HYPERLINK") for q in data["questions"])  # JSON keeps the text as asked
    async with aiohttp.ClientSession(cookies=moderator) as mod, mod.get(f"{server.url}/talks/nope/questions.csv") as r:
        assert r.status == 404
