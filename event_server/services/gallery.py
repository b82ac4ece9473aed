"""The gallery's use cases: the rooms as visitors see them (the programme's works plus the ones curators
hung from the open call), uploads and thumbnails. Entries and curation are services/open_call.py's."""
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

    def keep(self, received: Path, found: gallery.FileType, size: int) -> dict:
        """Move a checked upload into place under a random name; what the store keeps of it."""
        name = secrets.token_urlsafe(16) + found.suffix
        os.replace(received, self.uploads / name)
        return dict(upload=name, upload_kind=found.kind, upload_type=found.mime, upload_size=size)

    def drop(self, name: str | None) -> None:
        """Delete an upload whose entry was withdrawn or erased."""
        if name:
            (self.uploads / name).unlink(missing_ok=True)

    async def hung_work_of(self, reference: str) -> gallery.HungWork | None:
        return await submissions.hung_work_of(self.store, reference)

    def check_work(self, entry: Entry, fields: dict[str, str]) -> tuple[gallery.HungWork | None, dict]:
        """The work as the curator edited it, by the programme's rules, or what to fix in the form."""
        program_rooms = self.event.program.gallery.rooms if self.event.program.gallery else ()
        return gallery.check_work(entry.id, fields, program_rooms, entry.upload, entry.upload_kind)

    async def upload(self, name: str, public: bool) -> tuple[Path, str]:
        """A stored upload and its sniffed type: to curators always, to everyone once its work hangs."""
        mime = await submissions.upload_type(self.store, name, public=public)
        path = self.uploads / name
        if mime is None or not path.is_file():
            raise Refused("not_found", "there is no such file")
        return path, mime
