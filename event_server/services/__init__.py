"""The use cases: core rules combined with the store and the clock. The shells (web/, live/, feeds/,
cli) call these and hold no rules of their own; one Services is made per app by event_server.app."""
from __future__ import annotations

from ..config import Settings
from ..core.model import Program
from ..store import Store
from .clock import Clock
from .event import LiveEvent
from .gallery import GalleryDesk
from .identity import Signer
from .questions import QuestionDesk
from .reactions import ReactionDesk


class Services:
    """Everything the shells of one app use: built together, started and stopped together."""

    def __init__(self, settings: Settings, clock: Clock, program: Program):
        self.settings = settings
        self.store = Store(settings.database)
        self.event = LiveEvent(settings, clock, program, self.store)
        self.signer = Signer(settings.secret_key)
        self.questions = QuestionDesk(self.event, self.store, settings)
        self.reactions = ReactionDesk(self.event)
        self.gallery = GalleryDesk(self.event, self.store, settings)

    async def start(self) -> None:
        await self.store.open()
        await self.event.reload_overrides()

    async def stop(self) -> None:
        await self.store.close()
