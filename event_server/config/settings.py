"""Settings from the environment (Procfile, PaaS) with command-line flags on top."""
from __future__ import annotations

import logging
import math
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..core.signed_links import Signing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpUrl:
    """Where e-mail goes (SMTP_URL): smtp://user:pass@host:587 upgrades with STARTTLS (required when
    there is a password to protect, used whenever offered otherwise); smtps://host:465 is TLS from the start."""

    host: str
    port: int
    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    implicit_tls: bool = False

    @property
    def starttls(self) -> bool | None:
        """True: required; None: if the server offers it (a local relay without credentials)."""
        return None if self.implicit_tls else (True if self.username else None)


def parse_smtp_url(text: str) -> SmtpUrl:
    parts = urlsplit(text.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"SMTP_URL '{parts.scheme}://{parts.hostname or ''}…' is not understood: write "
                         "smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS)")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 587)
    except ValueError:
        raise ValueError("SMTP_URL has a port that is not a number: write e.g. smtp://host:587") from None
    return SmtpUrl(parts.hostname, port, unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None, parts.scheme == "smtps")


@dataclass(frozen=True)
class Settings:
    program: Path
    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = Path("data")
    database_url: str = ""  # empty: a SQLite file in data_dir
    redis_url: str | None = None
    secret_key: str = field(default="", repr=False)
    public_url: str | None = None
    moderator_token: str | None = field(default=None, repr=False)
    curator_token: str | None = field(default=None, repr=False)
    # named tokens, (name, token): each holder signs in under their own name, and one can be revoked alone
    moderator_tokens: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    curator_tokens: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    start_in: timedelta | None = None  # rehearsal: the first talk begins this long after the process starts
    start_at: datetime | None = None  # rehearsal: …at this real instant, the same for every worker (START_AT)
    ws_compression: bool = False
    trusted_proxies: int = 0  # proxies in front that append to X-Forwarded-For (nginx: 1)
    # seconds between two questions from one attendee (IPs get ten times more); 0: no limit
    qa_ask_interval: float = 15.0
    qa_votes_per_second: float = 5.0  # per attendee (IPs get ten times more: many attendees share a NAT); 0: no limit
    sockets_per_address: int = 500  # live connections one address may hold on one worker (NATs: many people); 0: no cap
    qa_votes_per_address: int = 50  # votes one address may give one question (a venue's NAT: many people); 0: no cap
    smtp: SmtpUrl | None = None  # None: e-mail is kept and shown to curators as not sent
    mail_from: str = "open-call@localhost"  # the From: of e-mail to applicants (MAIL_FROM)
    audience_sample_seconds: float = 60.0  # how often each room's head count is kept for the report
    metrics_token: str | None = field(default=None, repr=False)  # None: /metrics refuses everyone
    metrics_port: int | None = None  # /metrics without a token on this port too (keep it private)
    log_level: str = "INFO"
    log_format: str = "text"  # or "json": one object a line, for a log collector
    # nginx's internal location that sends recordings (X-Accel-Redirect); None: the app sends them itself
    recordings_accel: str | None = None
    signing: Signing = Signing()  # the secrets for signed links to recordings on another origin

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'event_server.sqlite3').resolve()}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ, **overrides) -> Settings:
        values: dict[str, Any] = dict(
            program=Path(env.get("PROGRAM", "program/mlart-datafest-2020.yaml")),
            host=env.get("HOST", "127.0.0.1"),
            port=_setting(env, "PORT", 8080, int, "a whole number from 0 to 65535", lambda n: 0 <= n <= 65535),
            data_dir=Path(env.get("DATA_DIR", "data")), database_url=env.get("DATABASE_URL", ""),
            redis_url=env.get("REDIS_URL") or None, secret_key=env.get("SECRET_KEY", ""),
            public_url=(env.get("PUBLIC_URL") or "").rstrip("/") or None,
            moderator_token=env.get("MODERATOR_TOKEN") or None, curator_token=env.get("CURATOR_TOKEN") or None,
            moderator_tokens=_named_tokens(env, "MODERATOR_TOKENS"),
            curator_tokens=_named_tokens(env, "CURATOR_TOKENS"),
            ws_compression=_setting(env, "WS_COMPRESSION", False, lambda text: SWITCH[text.lower()],
                                    "1, true, yes or on (or 0, false, no, off)"),
            trusted_proxies=_setting(env, "TRUSTED_PROXIES", 0, int, "a whole number, 0 or more", lambda n: n >= 0),
            qa_ask_interval=_setting(env, "QA_ASK_INTERVAL", 15.0, float, "a number of seconds, 0 or more "
                                     "(0: no limit)", lambda x: 0 <= x < math.inf),
            qa_votes_per_second=_setting(env, "QA_VOTES_PER_SECOND", 5.0, float, "a number, 0 or more (0: no limit)",
                                         lambda x: 0 <= x < math.inf),
            sockets_per_address=_setting(env, "SOCKETS_PER_ADDRESS", 500, int, "a whole number, 0 or more (0: no cap)",
                                         lambda n: n >= 0),
            qa_votes_per_address=_setting(env, "QA_VOTES_PER_ADDRESS", 50, int, "a whole number, 0 or more (0: no cap)",
                                          lambda n: n >= 0),
            start_at=_setting(env, "START_AT", None, parse_instant, "an ISO 8601 instant with its UTC offset, "
                              "e.g. 2026-11-23T18:00:00+03:00"),
            audience_sample_seconds=_setting(env, "AUDIENCE_SAMPLE_SECONDS", 60.0, float, "a number of seconds, "
                                             "1 or more", lambda x: 1 <= x < math.inf),
            smtp=_smtp(env.get("SMTP_URL", "").strip()), metrics_token=env.get("METRICS_TOKEN", "").strip() or None,
            metrics_port=_setting(env, "METRICS_PORT", None, int, "a whole number from 1 to 65535",
                                  lambda n: 0 < n <= 65535),
            log_level=_setting(env, "LOG_LEVEL", "INFO", str.upper, "one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
                               lambda level: level in LOG_LEVELS),
            log_format=_setting(env, "LOG_FORMAT", "text", str.lower, "text or json",
                                lambda kind: kind in ("text", "json")),
            recordings_accel=_accel(env),
            signing=signing_from_env(env))
        if env.get("MAIL_FROM", "").strip():
            values["mail_from"] = env["MAIL_FROM"].strip()
        elif values["smtp"]:
            raise SettingsError("SMTP_URL is set but MAIL_FROM is not: set MAIL_FROM to the address e-mail comes "
                                "from, e.g. MAIL_FROM='ML Art open call <open-call@example.org>'")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def rehearsal_start(self, real_now: datetime) -> datetime | None:
        """The real instant the first talk begins in a rehearsal (None: the programme's own times)."""
        if self.start_in is not None:
            return real_now + self.start_in
        return self.start_at

    def with_secrets(self) -> Settings:
        """Fill in SECRET_KEY (and tokens) that were not given, persisted in data_dir so restarts keep them.

        Signed cookies and speaker links must survive a restart, so a generated key is written once.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        values: dict[str, Any] = {}
        for name, attr in (("SECRET_KEY", "secret_key"), ("MODERATOR_TOKEN", "moderator_token"),
                           ("CURATOR_TOKEN", "curator_token")):
            if getattr(self, attr) or getattr(self, attr + "s", None):  # named tokens given: no shared one
                continue
            path = self.data_dir / attr
            if not path.exists():
                path.write_text(secrets.token_urlsafe(32))
                path.chmod(0o600)
                log.warning("%s is not set: generated one and saved it in %s", name, path)
            values[attr] = path.read_text().strip()
        return replace(self, **values)


class SettingsError(ValueError):
    """A variable of the environment that cannot be used; the message names it and says what it takes."""


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SWITCH = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _setting(env: Mapping[str, str], name: str, default, parse, expected: str, ok=lambda value: True):
    """`name` parsed from the environment (unset or empty: `default`), or an error that names it."""
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = parse(text)
        if ok(value):
            return value
    except (ValueError, KeyError):
        pass
    raise SettingsError(f"{name} must be {expected}, got {text!r}")


NAME = re.compile(r"[A-Za-z0-9_.-]{1,40}")
MIN_TOKEN = 16


def parse_named_tokens(text: str, where: str) -> tuple[tuple[str, str], ...]:
    """"anna:TOKEN,boris:TOKEN" (or one per line): each name once, each token long enough and used once."""
    found: list[tuple[str, str]] = []
    for number, item in enumerate((i.strip() for i in re.split(r"[,\n]", text)), 1):
        if not item or item.startswith("#"):
            continue
        name, _, token = (part.strip() for part in item.partition(":"))
        if not NAME.fullmatch(name) or len(token) < MIN_TOKEN:
            raise ValueError(f"{where}, entry {number}: write name:token, the name of letters, digits, '.', '_' or '-' "
                             f"(up to 40) and the token at least {MIN_TOKEN} characters long")
        if any(name == n or token == t for n, t in found):
            raise ValueError(f"{where}, entry {number}: the name '{name}' or its token is given twice")
        found.append((name, token))
    return tuple(found)


def _named_tokens(env: Mapping[str, str], name: str) -> tuple[tuple[str, str], ...]:
    """NAME (name:token pairs) or NAME_FILE (a file of them, one a line); errors never repeat a token."""
    try:
        if env.get(f"{name}_FILE", "").strip():
            path = Path(env[f"{name}_FILE"].strip())
            return parse_named_tokens(path.read_text(), f"{name}_FILE {path}")
        return parse_named_tokens(env.get(name, ""), name)
    except OSError as exc:
        raise SettingsError(f"{name}_FILE cannot be read: {exc.strerror}") from None
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


def _accel(env: Mapping[str, str]) -> str | None:
    return _setting(env, "RECORDINGS_ACCEL", None, lambda text: text.rstrip("/") + "/",
                    "nginx's internal location for recordings, e.g. /_recordings/", lambda text: text.startswith("/"))


def signing_from_env(env: Mapping[str, str] = os.environ) -> Signing:
    """The secrets for signed links (RECORDINGS_LINK_SECRET, RECORDINGS_S3_*) and how long one lasts."""
    return Signing(secret=env.get("RECORDINGS_LINK_SECRET", "").strip(),
                   s3_key_id=env.get("RECORDINGS_S3_KEY_ID", "").strip(),
                   s3_secret=env.get("RECORDINGS_S3_SECRET", "").strip(),
                   s3_region=env.get("RECORDINGS_S3_REGION", "").strip() or "us-east-1",
                   ttl=_setting(env, "RECORDINGS_LINK_TTL", timedelta(hours=3),
                                lambda text: timedelta(seconds=int(text)), "a whole number of seconds, at least 60",
                                lambda ttl: ttl >= timedelta(seconds=60)))


def _smtp(text: str) -> SmtpUrl | None:
    """SMTP_URL, or an error that never repeats it: it holds a password."""
    try:
        return parse_smtp_url(text) if text else None
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with its UTC offset, e.g. 2026-11-23T18:00:00+03:00 or …Z."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"'{text}' is not an ISO 8601 instant: write e.g. 2026-11-23T18:00:00+03:00") from None
    if value.tzinfo is None:
        raise ValueError(f"'{text}' has no UTC offset: add one, e.g. {text}+00:00 or {text}Z")
    return value
