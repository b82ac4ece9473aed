"""The one way a rule says no. Shells map it once: to an error ack on a socket, to a 4xx over HTTP."""
from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A rule says no: `code` for programs (stable, e.g. "rate_limited"), `message` for the person
    (what happened and what to do), `details` for clients that act on it (e.g. retry_after)."""

    def __init__(self, code: str, message: str, **details: Any):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details

    def as_error(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}
