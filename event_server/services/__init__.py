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
from .metrics import Metrics
from .open_call import OpenCallDesk
from .outbox import Outbox
from .questions import QuestionDesk
from .reactions import ReactionDesk
from .report import ReportDesk
from .room_states import RoomStates
from .staff import StaffSessions


class Services:
    """Everything the shells of one app use: built together, started and stopped together."""

    def __init__(self, settings: Settings, clock: Clock, program: Program):
        self.settings = settings
        self.store = Store(settings.database)
        self.metrics = Metrics()
        self.event = LiveEvent(settings, clock, program, self.store)
        self.states = RoomStates(self.event)  # each room's room:state, for its page and its socket alike
        self.signer = Signer(settings.secret_key)
        self.staff = StaffSessions(self.store, settings, self.signer)
        self.questions = QuestionDesk(self.event, self.store, settings)
        self.reactions = ReactionDesk(self.event)
        self.gallery = GalleryDesk(self.event, self.store, settings)
        self.report = ReportDesk(self.event, self.store, self.gallery, settings)
        self.outbox = Outbox(self.event, self.store, settings)
        self.open_call = OpenCallDesk(self.event, self.store, self.gallery, self.outbox, self.signer)

    async def start(self) -> None:
        """The store first; then the background tasks that use it: the mail courier (with SMTP_URL) and
        the erasing of open-call entries past their keeping time."""
        await self.store.open()
        await self.event.reload_overrides()
        self.outbox.start()
        self.open_call.start()

    async def stop(self) -> None:
        await self.open_call.stop()
        await self.outbox.stop()
        await self.store.close()
