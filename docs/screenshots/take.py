"""Screenshots of the room in each phase, of the moderator's console with a busy queue, and of the stage
for OBS in each of its scenes (1920×1080), for the README.

    .venv/bin/python docs/screenshots/take.py [--lang en|ru] [--width 1280 --height 800] [--out docs/screenshots]

Runs the 2020 meetup on a loopback port with its clock set to each moment, asks and moderates questions
through real socket.io clients, and photographs the pages in Chromium (needs the test extras:
`pip install -e '.[test]'`, and /usr/bin/chromium)."""
from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import socketio
from aiohttp import web
from playwright.async_api import async_playwright

from event_server.app import create_app
from event_server.config import Settings
from event_server.services.clock import ShiftedClock

ROOT = Path(__file__).resolve().parents[2]
OPENING = datetime(2020, 9, 19, 11, 0, tzinfo=UTC)  # 14:00 in Moscow
MOMENTS = {  # phase → seconds after the opening starts
    "countdown": -75, "premiere": 95, "qa": 215, "break": 400}
QUESTIONS = [("Ada", "How long did it take to train the automata to grow the lizard from a single cell?"),
             ("", "Could the same rule grow different shapes if the seed changes?"),
             ("Олег", "Можно ли обучить клеточный автомат на видео, а не на одной картинке?"),
             ("Mila", "What hardware did you use, and would a laptop do for a first experiment?"),
             ("", "Is there a notebook we can play with after the meetup?"),
             ("Kai", "How do you pick the loss when the target is a moving pattern?")]
# the stage's scenes: the Q&A sting shows in the premiere's last seconds, the credits after the day
SCENES = {"countdown": -75, "premiere": 95, "sting": 165, "qa": 215, "break": 400, "credits": 9 * 3600}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--autoplay-policy=no-user-gesture-required"]  # as OBS plays the premiere: with sound


async def attendee(url: str) -> socketio.AsyncClient:
    async with aiohttp.ClientSession() as http, http.get(url + "/") as response:
        cookie = response.cookies["es_attendee"].value
    client = socketio.AsyncClient()
    await client.connect(url, headers={"Cookie": f"es_attendee={cookie}"}, transports=["websocket"])
    await client.call("room:join", {"room": "ml-art"})
    return client


async def busy_queue(url: str, talk: str, pin: bool) -> list[socketio.AsyncClient]:
    """Six questions from six people, most approved with votes, one on air, one waiting for approval."""
    moderator = socketio.AsyncClient()
    await moderator.connect(url, auth={"token": "screenshots"}, transports=["websocket"])
    people, ids = [], []
    for name, text in QUESTIONS:
        person = await attendee(url)
        people.append(person)
        asked = await person.call("qa:ask", {"talk": talk, "text": text, "name": name})
        ids.append(asked["question"]["id"])
    for question in ids[:-1]:
        await moderator.call("qa:moderate", {"question": question, "action": "approve"})
    for voter, votes in zip(people, (ids[:3], ids[:2], ids[1:3], ids[3:4]), strict=False):
        for question in votes:
            await voter.call("qa:vote", {"question": question})
    if pin:
        await moderator.call("qa:moderate", {"question": ids[0], "action": "pin"})
    return [moderator, *people]


async def serve(moment: timedelta, data: Path, **more) -> tuple[web.AppRunner, str]:
    settings = Settings(program=ROOT / "program" / "mlart-datafest-2020.yaml", data_dir=data,
                        secret_key="screenshots", moderator_token="screenshots", curator_token="screenshots-curator",
                        **more)
    app = create_app(settings, ShiftedClock(OPENING + moment - datetime.now(UTC)))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def main(lang: str, width: int, height: int, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for phase, seconds in MOMENTS.items():
            with tempfile.TemporaryDirectory() as data:
                runner, url = await serve(timedelta(seconds=seconds), Path(data))
                clients = await busy_queue(url, "opening", pin=phase == "qa") if phase in ("premiere", "qa") else []
                page = await browser.new_page(viewport={"width": width, "height": height}, locale=lang)
                if clients:  # the visitor asked one of them: their page shows its state
                    await page.goto(f"{url}/?lang={lang}")
                await page.goto(f"{url}/rooms/ml-art?lang={lang}")
                await page.wait_for_timeout(2500)
                if phase in ("premiere", "qa"):
                    await page.locator("[data-react]").first.click()
                    await page.wait_for_timeout(300)
                await page.screenshot(path=out / f"room-{phase}-{lang}-{width}.png")
                if phase == "qa":
                    console = await browser.new_page(viewport={"width": width, "height": height}, locale=lang)
                    await console.goto(f"{url}/login?next=/moderate/ml-art&lang={lang}")
                    await console.fill("[name=token]", "screenshots")
                    await console.click("button[type=submit]")
                    await console.wait_for_timeout(2000)
                    await console.screenshot(path=out / f"moderate-{lang}-{width}.png")
                for client in clients:
                    await client.disconnect()
                await runner.cleanup()
        await stage(browser, lang, out)
        await report(browser, lang, width, height, out)
        await browser.close()


async def signed_in(browser, url: str, lang: str, width: int, height: int):
    page = await browser.new_page(viewport={"width": width, "height": height}, locale=lang)
    await page.goto(f"{url}/login?lang={lang}")
    await page.fill("[name=token]", "screenshots")
    await page.click("button[type=submit]")
    await page.wait_for_url("**/moderate/ml-art")
    return page


async def report(browser, lang: str, width: int, height: int, out: Path) -> None:
    """The organisers' report after a short Q&A whose head count is sampled every second (a minute by
    default): six people and their questions, then they leave one by one; and the talk's archive."""
    with tempfile.TemporaryDirectory() as data:
        runner, url = await serve(timedelta(seconds=215), Path(data), audience_sample_seconds=1)
        clients = await busy_queue(url, "opening", pin=False)
        for person, kind in zip(clients[1:], ("👏", "👏", "🔥", "❤️", "👏", "🤯"), strict=True):
            await person.call("room:react", {"room": "ml-art", "kind": kind})
        await clients[0].call("qa:moderate", {"question": (await clients[0].call("qa:list", {"talk": "opening"}))
                                             ["questions"][0]["id"], "action": "answered"})
        for person in clients[1:]:
            await asyncio.sleep(1.5)
            await person.disconnect()
        await clients[0].call("schedule:adjust", {"action": "end_qa", "talk": "opening"})
        page = await signed_in(browser, url, lang, width, height)
        for work in ("nca-growth", "nca-growth", "nca-bloom"):  # views of gallery works, counted for the report
            await page.goto(f"{url}/gallery/growing-patterns/{work}")
        await page.goto(f"{url}/report?lang={lang}")
        await page.screenshot(path=out / f"report-{lang}-{width}.png", full_page=True)
        await page.goto(f"{url}/talks/opening?lang={lang}#archive")
        await page.screenshot(path=out / f"archive-{lang}-{width}.png")
        await clients[0].disconnect()
        await runner.cleanup()


async def stage(browser, lang: str, out: Path) -> None:
    """The stage as OBS shows it; the Q&A scene is transparent, so its picture is too."""
    for scene, seconds in SCENES.items():
        with tempfile.TemporaryDirectory() as data:
            runner, url = await serve(timedelta(seconds=seconds), Path(data))
            clients = await busy_queue(url, "opening", pin=True) if scene == "qa" else []
            page = await signed_in(browser, url, lang, 1920, 1080)  # a moderator may see it too
            await page.goto(f"{url}/rooms/ml-art/stage?lang={lang}")
            if scene == "sting":  # it shows in the premiere's last seconds, however long the page took
                await page.locator("[data-field=sting]").wait_for(state="visible", timeout=30_000)
            await page.wait_for_timeout(3000)
            if scene == "qa":  # transparent
                await page.screenshot(path=out / f"stage-{scene}-{lang}.png", omit_background=True)
            else:  # gradients and photographs: a JPEG is a quarter of the PNG
                await page.screenshot(path=out / f"stage-{scene}-{lang}.jpg", type="jpeg", quality=82)
            for client in clients:
                await client.disconnect()
            await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en", choices=("en", "ru"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    asyncio.run(main(args.lang, args.width, args.height, args.out))
