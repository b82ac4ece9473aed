"""The open call: its text, the form for each kind of entry (a work, a project idea, a data scientist's
profile), the streamed upload, the confirmation page, and withdrawing through the link in the e-mail."""
from __future__ import annotations

import time
from pathlib import Path

from aiohttp import BodyPartReader, web

from .. import i18n
from ..core import gallery, open_call
from ..core.model import OpenCall
from ..core.ratelimit import Buckets, Rate
from ..core.refusal import Refused
from ..i18n import N_
from ..services.open_call import Meeting
from . import bodies
from .keys import IDENTITY, LANG, SERVICES
from .links import base_url
from .render import render
from .security import check_csrf

MAX_UPLOAD = max(gallery.UPLOAD_CAPS.values())
MAX_FIELD = 64 * 1024
MAX_TEXT = 256 * 1024  # all text fields together
MAX_BODY = MAX_UPLOAD + MAX_TEXT + 64 * 1024  # the largest upload, the text fields, multipart framing
CHUNK = 64 * 1024
HONEYPOT = "website"  # hidden from people; bots that fill every field give themselves away
ATTEMPTS = web.AppKey("open_call_attempts", Buckets)
SENT = web.AppKey("open_call_sent", Buckets)
SENT_BY_ADDRESS = web.AppKey("open_call_sent_by_address", Buckets)
STALE_LINK: tuple[str, dict] = (N_("This link is no longer valid: the work has been sent already, or the pairing "
                                   "has ended. Write to the curators."), {})


class TooLarge(Exception):
    def __init__(self, kind: str | None, cap: int):
        self.kind, self.cap = kind, cap


def setup(app: web.Application) -> None:
    # Per address: sending the form (fixing mistakes included) and storing. An address may be a whole
    # studio or school behind one router, so the tight limit is per browser (the attendee cookie).
    app[ATTEMPTS] = Buckets(Rate.per(60, 600))
    app[SENT_BY_ADDRESS] = Buckets(Rate.per(20, 3600))
    app[SENT] = Buckets(Rate.per(5, 3600))
    app.router.add_get("/open-call", form_page)
    app.router.add_post("/open-call", submit)
    app.router.add_get("/open-call/sent/{ref}", sent)
    app.router.add_get("/open-call/withdraw/{token}", withdraw_page)
    app.router.add_post("/open-call/withdraw/{token}", withdraw)


def _call(request: web.Request) -> tuple[OpenCall, bool]:
    event = request.app[SERVICES].event
    if event.program.open_call is None:
        raise web.HTTPNotFound()
    return event.program.open_call, open_call.is_open(event.program.open_call, event.now())


def _page(request: web.Request, kind: str, meeting: Meeting | None, status: int = 200, values: dict | None = None,
          errors: dict | None = None):
    call, is_open = _call(request)
    lang = request.get(LANG, "en")
    return render(request, "open_call.html", status=status, call=call, is_open=is_open, values=values or {},
                  errors={k: i18n.translate(lang, m) for k, m in (errors or {}).items()}, roles=call.roles,
                  kind=kind, kinds=open_call.KINDS, asks=open_call.ASKS[kind], required=open_call.REQUIRED[kind],
                  meets=kind in open_call.MEETS, uploads=kind in open_call.UPLOADS, meeting=meeting,
                  keep_until=request.app[SERVICES].open_call.keep_until(),
                  caps={k: v // gallery.MB for k, v in gallery.UPLOAD_CAPS.items()})


async def _kind_and_meeting(request: web.Request, fields) -> tuple[str, Meeting | None, str | None]:
    """The kind of entry the form is for, and the pairing a finished-work link names (with its token)."""
    token = str(fields.get("pairing", "")) or None
    meeting = await request.app[SERVICES].open_call.finished_work_pairing(token) if token else None
    kind = "work" if token else str(fields.get("kind", "work"))
    return (kind if kind in open_call.KINDS else "work"), meeting, token


async def form_page(request: web.Request) -> web.Response:
    kind, meeting, token = await _kind_and_meeting(request, request.query)
    if token and meeting is None:
        raise web.HTTPNotFound(text=i18n.gettext(request.get(LANG, "en"), STALE_LINK[0]))
    return _page(request, kind, meeting, values={"pairing": token} if token else {})


async def submit(request: web.Request) -> web.Response:
    call, is_open = _call(request)
    lang = request.get(LANG, "en")
    if not is_open:
        return _page(request, "work", None, status=403)
    if (request.content_length or 0) > MAX_BODY:
        _too_large(lang, None, MAX_UPLOAD)
    now = time.time()
    if not request.app[ATTEMPTS].take(request.remote or "", now) == 0:
        raise web.HTTPTooManyRequests(text=i18n.gettext(lang, "Too many tries from your address. Please wait a few "
                                                              "minutes and send the form again."))
    tmp = request.app[SERVICES].gallery.incoming()
    try:
        try:
            fields, upload = await _read_form(request, tmp)
        except TooLarge as exc:
            _too_large(lang, exc.kind, exc.cap)
        check_csrf(request, fields)
        if fields.get(HONEYPOT):
            return render(request, "open_call_sent.html", reference=None, submission=None)
        return await _store(request, call, fields, upload, tmp)
    finally:
        tmp.unlink(missing_ok=True)


async def _store(request: web.Request, call: OpenCall, fields: dict, upload: dict | None, tmp: Path) -> web.Response:
    desk = request.app[SERVICES].gallery
    errors = {}
    if upload and (problem := gallery.check_upload(upload["filename"], upload["type"])):
        errors["upload"] = problem
    elif upload and upload["type"].kind == "image" and (image_problem := await desk.check_image(tmp)):
        errors["upload"] = (image_problem, {})
    kind, meeting, token = await _kind_and_meeting(request, fields)
    if token and meeting is None:
        errors["pairing"] = STALE_LINK
    submission, field_errors = open_call.check_entry(kind, fields, call.roles, has_upload=upload is not None)
    errors.update(field_errors)
    if errors or submission is None:
        return _page(request, kind, meeting, status=400, values=fields, errors=errors)
    now = time.time()
    if not (request.app[SENT].take(request[IDENTITY].attendee or "", now) == 0
            and request.app[SENT_BY_ADDRESS].take(request.remote or "", now) == 0):
        raise web.HTTPTooManyRequests(text=i18n.gettext(request.get(LANG, "en"), "You have sent several works "
                                                        "in the last hour. Please wait before sending more."))
    reference = await request.app[SERVICES].open_call.submit(
        submission, lang=request.get(LANG, "en"), attendee=request[IDENTITY].attendee, upload=upload, received=tmp,
        base=base_url(request), pairing=meeting.pairing if meeting else None)
    raise web.HTTPSeeOther(f"/open-call/sent/{reference}")


async def _read_form(request: web.Request, tmp: Path) -> tuple[dict, dict | None]:
    """Text fields, and the upload streamed to `tmp` with its type sniffed from the first bytes."""
    if request.content_type != "multipart/form-data":
        return dict(await bodies.form(request, MAX_TEXT)), None
    fields, upload, text_bytes = {}, None, 0
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "upload" and part.filename is not None and upload is None:
            upload = await _save(part, tmp)
            continue
        data = b""
        while len(data) <= MAX_FIELD and (chunk := await part.read_chunk(CHUNK)):
            data += chunk
        text_bytes += len(data)
        if len(data) > MAX_FIELD or text_bytes > MAX_TEXT:  # a flood of fields is refused like a large file
            raise TooLarge("text", MAX_TEXT)
        if part.name and part.name not in fields:
            fields[part.name] = data.decode("utf-8", "replace")
    return fields, upload


async def _save(part: BodyPartReader, tmp: Path) -> dict | None:
    """None when the file input was left empty; the size cap follows the sniffed kind."""
    tmp.parent.mkdir(parents=True, exist_ok=True)
    size, head = 0, b""
    with tmp.open("wb") as out:
        while chunk := await part.read_chunk(CHUNK):
            if len(head) < gallery.HEAD_BYTES:  # a chunk can be shorter than the signature
                head += chunk[:gallery.HEAD_BYTES - len(head)]
            found = gallery.sniff(head)
            size += len(chunk)
            cap = gallery.UPLOAD_CAPS[found.kind] if found else MAX_UPLOAD
            if size > cap:
                raise TooLarge(found.kind if found else None, cap)
            out.write(chunk)
    if size == 0:
        return None
    return {"filename": part.filename or "", "type": gallery.sniff(head), "size": size}


def _too_large(lang: str, kind: str | None, cap: int):
    if kind == "text":
        text = i18n.gettext(lang, "The texts in the form are too long. Please shorten them, or give a link.")
    elif kind:
        text = i18n.gettext(lang, "The file is too large: {kind} files can be up to {mb} MB. Please send a smaller "
                                  "file, or a link to it.", kind=i18n.gettext(lang, kind), mb=cap // gallery.MB)
    else:
        text = i18n.gettext(lang, "The form is too large: files can be up to {mb} MB. Please send a smaller file, "
                                  "or a link to it.", mb=cap // gallery.MB)
    raise web.HTTPRequestEntityTooLarge(max_size=cap, actual_size=cap + 1, text=text)


async def sent(request: web.Request) -> web.Response:
    """The confirmation, shown only to the browser that sent the submission."""
    _call(request)
    try:
        found = await request.app[SERVICES].open_call.entry(request.match_info["ref"])
    except Refused:
        raise web.HTTPNotFound() from None
    if found.attendee != request[IDENTITY].attendee or found.erased_ms:
        raise web.HTTPNotFound()
    return render(request, "open_call_sent.html", reference=found.id, submission=found)


async def _withdrawing(request: web.Request):
    _call(request)
    desk = request.app[SERVICES].open_call
    reference = desk.withdrawal(request.match_info["token"])
    if reference is None:
        raise web.HTTPNotFound()
    return desk, await desk.entry(reference)


async def withdraw_page(request: web.Request) -> web.Response:
    """Asks first: mail scanners open links, and opening one must not withdraw anything."""
    _, found = await _withdrawing(request)
    return render(request, "open_call_withdraw.html", entry=found, done=found.status == "withdrawn")


async def withdraw(request: web.Request) -> web.Response:
    check_csrf(request, await bodies.form(request))
    desk, found = await _withdrawing(request)
    await desk.withdraw(found.id)
    return render(request, "open_call_withdraw.html", entry=found, done=True)
