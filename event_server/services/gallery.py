"""The gallery's use cases: the rooms as visitors see them (the programme's works plus the ones curators
hung from the open call), submissions, curation, uploads and thumbnails."""
from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path

from ..config import Settings
from ..core import gallery
from ..core.model import GalleryRoom, GalleryWork
from ..core.refusal import Refused
from ..media import thumbnails
from ..store import Store, submissions
from ..store.submissions import Entry
from .event import LiveEvent


class GalleryDesk:
    def __init__(self, event: LiveEvent, store: Store, settings: Settings):
        self.event, self.store = event, store
        self.uploads = settings.data_dir / "uploads"
        self.thumbs = settings.data_dir / "thumbs"

    async def rooms(self) -> tuple[GalleryRoom, ...]:
        return gallery.combine(self.event.program.gallery, await submissions.hung_works(self.store))

    async def room(self, slug: str) -> GalleryRoom | None:
        return gallery.find_room(await self.rooms(), slug)

    def picture_file(self, work: GalleryWork) -> Path | None:
        """The local picture that stands for a work in grids, if it exists."""
        found = gallery.picture(work)
        if not found:
            return None
        if found.startswith("upload:"):
            path = self.uploads / found.removeprefix("upload:")
        else:
            path = self.event.program.base_dir / found
        return path if path.is_file() else None

    async def thumbnail(self, source: Path, width: int, fmt: str) -> Path:
        # Decoding and resizing take tens of milliseconds: off the event loop. Two first requests for the
        # same thumbnail may both make it; each writes its own temporary file and the rename is atomic.
        return await asyncio.to_thread(thumbnails.thumbnail, source, width, fmt, self.thumbs)

    # --- the open call -------------------------------------------------------------------------

    def incoming(self) -> Path:
        """A fresh temporary path for an upload being received."""
        self.uploads.mkdir(parents=True, exist_ok=True)
        return self.uploads / f".incoming-{secrets.token_hex(8)}"

    async def check_image(self, path: Path) -> str | None:
        return await asyncio.to_thread(thumbnails.verify_image, path)

    async def submit(self, entry: gallery.Submission, attendee: str | None, upload: dict | None, received: Path) -> str:
        """Keep the submission (and move its upload into place); its reference."""
        stored = {}
        if upload:
            name = secrets.token_urlsafe(16) + upload["type"].suffix
            os.replace(received, self.uploads / name)
            stored = dict(upload=name, upload_kind=upload["type"].kind, upload_type=upload["type"].mime,
                          upload_size=upload["size"])
        return await submissions.add(self.store, entry, attendee=attendee, now_ms=self.event.now_ms(), **stored)

    async def entry(self, reference: str) -> Entry:
        found = await submissions.get(self.store, reference)
        if found is None:
            raise Refused("not_found", f"there is no submission {reference}")
        return found

    async def search(self, status: str | None, role: str | None, kind: str | None, text: str | None) -> list[Entry]:
        return await submissions.search(self.store, status=status, role=role, kind=kind, text=text)

    async def counts(self) -> dict[str, int]:
        return await submissions.counts(self.store)

    async def hung_work_of(self, reference: str) -> gallery.HungWork | None:
        return await submissions.hung_work_of(self.store, reference)

    async def accept(self, entry: Entry, fields: dict[str, str], note: str) -> tuple[gallery.HungWork | None, dict]:
        """Hang the entry's work as the curator edited it, or what to fix in the form."""
        program_rooms = self.event.program.gallery.rooms if self.event.program.gallery else ()
        hung, errors = gallery.check_work(entry.id, fields, program_rooms, entry.upload, entry.upload_kind)
        if hung:
            try:
                await submissions.accept(self.store, hung, note[:gallery.LIMITS["note"]], self.event.now_ms())
            except Refused as exc:
                return None, {"slug": (exc.message, {})}
        return hung, errors

    async def reject(self, entry: Entry, note: str) -> None:
        await submissions.reject(self.store, entry.id, note[:gallery.LIMITS["note"]], self.event.now_ms())

    async def upload(self, name: str, public: bool) -> tuple[Path, str]:
        """A stored upload and its sniffed type: to curators always, to everyone once its work hangs."""
        mime = await submissions.upload_type(self.store, name, public=public)
        path = self.uploads / name
        if mime is None or not path.is_file():
            raise Refused("not_found", "there is no such file")
        return path, mime
