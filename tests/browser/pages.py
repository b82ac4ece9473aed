"""Every page people use, opened in turn in one browser page: what the phone and accessibility checks walk."""
from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from event_server.services.identity import Signer

PUBLIC_PAGES = ["/", "/schedule", "/talks/neural-cellular-automata", "/talks/perenneural-philosophy",
                "/speakers/alexander-mordvintsev", "/rooms/ml-art", "/gallery", "/gallery/growing-patterns",
                "/gallery/growing-patterns/nca-bloom", "/open-call", "/login"]
SIGNED_IN = [("/moderate/ml-art", "mod-token"), ("/curate", "cur-token"),  # the test server's tokens
             ("/curate/mail", "cur-token")]


async def sign_in(page, url: str, token: str) -> None:
    await page.goto(f"{url}/login")
    await page.fill("[name=token]", token)
    await page.click("button[type=submit]")
    await page.wait_for_url(lambda at: urlsplit(at).path != "/login")


async def every_page(page, url: str, lang: str, speaker: str) -> AsyncIterator[str]:
    """Open each public page, `speaker`'s private link, then the moderator's and curator's pages after
    signing in (once per token); yield each path once it has loaded."""
    for path in PUBLIC_PAGES:
        await page.goto(f"{url}{path}?lang={lang}")
        await page.wait_for_load_state("networkidle")
        yield path
    await page.goto(f"{url}/speak/{Signer('test-secret').speaker_token(speaker)}?lang={lang}")
    await page.wait_for_load_state("networkidle")
    yield "/speak/…"
    for path, token in SIGNED_IN:
        await page.goto(f"{url}{path}?lang={lang}")
        if urlsplit(page.url).path == "/login":  # not signed in with this token yet
            await page.fill("[name=token]", token)
            await page.click("form[action=\"/login\"] button[type=submit]")
            await page.wait_for_url(lambda at, path=path: urlsplit(at).path == path)  # signed in, past /login
        await page.wait_for_load_state("networkidle")
        yield path
