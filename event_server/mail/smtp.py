"""Handing one message to the SMTP server of SMTP_URL with aiosmtplib, and saying how it went.

Three outcomes, because a retry is safe only in the first: NotSent (the server certainly does not have
it: it could not be reached, or it answered MAIL, RCPT or DATA with an error; `permanent` when that
answer will not change), nothing (it answered DATA with 250: delivered), or MaybeSent (the connection
broke or timed out while the message was going over DATA: it may have arrived). `handing()` is called
just before DATA so the caller can record that from now on the message may arrive (core/outbox.py).
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from email.message import EmailMessage

import aiosmtplib

from ..config import SmtpUrl
from .letters import POLICY

COMMAND_TIMEOUT = 10.0  # seconds for each SMTP reply


class NotSent(Exception):
    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


class MaybeSent(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


async def deliver(server: SmtpUrl, message: EmailMessage, sender: str, recipient: str,
                  handing: Callable[[], Awaitable[bool]], timeout: float) -> None:
    client = aiosmtplib.SMTP(hostname=server.host, port=server.port, use_tls=server.implicit_tls,
                             start_tls=server.starttls, username=server.username, password=server.password,
                             timeout=COMMAND_TIMEOUT)
    international = not (sender + recipient).isascii()
    handed = False
    try:
        async with asyncio.timeout(timeout):
            await client.connect()
            if international and not client.supports_extension("smtputf8"):
                raise NotSent("the address is not plain ASCII and the server does not offer SMTPUTF8", permanent=True)
            encoding, options = ("utf-8", ["SMTPUTF8"]) if international else ("ascii", [])
            await client.mail(sender, options=options, encoding=encoding)
            await client.rcpt(recipient, encoding=encoding)
            if not await handing():
                raise NotSent("another worker took this message over")
            handed = True
            await client.data(message.as_bytes(policy=POLICY.clone(utf8=international)))
    except aiosmtplib.SMTPResponseException as exc:  # the server answered no: it keeps nothing
        about_message = isinstance(exc, (aiosmtplib.SMTPRecipientRefused, aiosmtplib.SMTPDataError))
        raise NotSent(f"{exc.code} {exc.message}", permanent=about_message and 500 <= exc.code < 600) from exc
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        reason = f"{type(exc).__name__}: {exc}"
        if handed:
            raise MaybeSent(f"the connection ended during DATA ({reason})") from exc
        raise NotSent(reason) from exc
    finally:
        with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
            if client.is_connected:
                await asyncio.wait_for(client.quit(), COMMAND_TIMEOUT)
        client.close()
