"""A real SMTP server on loopback for the tests (aiosmtpd), speaking STARTTLS or TLS with a certificate
from a throwaway CA (trustme) and asking for a password, as a mail provider would; and ways to make it
misbehave as real servers do: refuse for a while, hang up while a message is coming in.

The event server trusts the throwaway CA through SSL_CERT_FILE, the variable OpenSSL reads for its
default trust store: nothing in the server is made for the tests.
"""
from __future__ import annotations

import asyncio
import email
import socket
import ssl
import time
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from event_server.config import SmtpUrl

USER, PASSWORD = "mailer", "s3cret pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """The aiosmtpd handler: keeps every message it accepted, with its envelope."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse_after: int | None = None  # accept this many, then answer RCPT with 421 (going down)
        self.hang_up_in_data = False  # take the message, then drop the connection without a reply
        self.on_rcpt = None  # called before RCPT is answered (the message has not come yet)
        self.on_data = None  # called with the message count after a message arrived, before the reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.on_rcpt:
            self.on_rcpt()
        if self.refuse_after is not None and len(self.messages) >= self.refuse_after:
            return "421 4.3.2 Service shutting down, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.on_data:
            self.on_data(len(self.messages))
        if self.hang_up_in_data:
            server.transport.abort()
        return "250 2.0.0 OK: queued"


def _authenticate(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode())


class MailServer:
    """start() / stop() / start() again on the same port, keeping what it received."""

    def __init__(self, folder: Path, implicit_tls: bool = False):
        self.implicit_tls, self.port, self.recorder = implicit_tls, free_port(), Recorder()
        self.ca = trustme.CA()
        self.ca_file = folder / "smtp-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(self.context)
        self.controller: Controller | None = None

    @property
    def url(self) -> SmtpUrl:
        return SmtpUrl("127.0.0.1", self.port, USER, PASSWORD, implicit_tls=self.implicit_tls)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.recorder.messages

    def start(self) -> MailServer:
        # aiosmtpd's auth_require_tls looks for a STARTTLS upgrade: with TLS from the start there is none to see.
        tls = ({"ssl_context": self.context, "auth_require_tls": False} if self.implicit_tls else
               {"tls_context": self.context, "require_starttls": True, "auth_require_tls": True})
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, authenticator=_authenticate,
                                     server_hostname="localhost", **tls)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    async def wait_for(self, count: int, timeout: float = 20.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} of {count} messages arrived"
            await asyncio.sleep(0.05)
        return self.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def link_in(message: EmailMessage, path: str) -> str:
    """The address in a letter's text that goes to `path` (the server's own URL in front)."""
    return next(word for word in text_of(message).split() if path in word)
