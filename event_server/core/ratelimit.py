"""Token buckets: a burst of `capacity`, refilled at `per_second`. Pure: the time is passed in.

Each key (an attendee, an IP address) has its own bucket. Buckets that have refilled completely
carry no information, so they are dropped now and then to keep memory bounded. An action limited by
several buckets asks each `wait` first and takes from them only when none says wait; an action that
is refused after all `give_back` what it took, so only what is accepted spends an allowance.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rate:
    capacity: float
    per_second: float

    @classmethod
    def every(cls, seconds: float, burst: float = 1) -> Rate:
        """One action per `seconds` on average, up to `burst` at once; 0 seconds means no limit."""
        return cls(burst, burst / seconds if seconds > 0 else float("inf"))

    @classmethod
    def per(cls, n: float, seconds: float = 1.0) -> Rate:
        """n actions per `seconds`, all at once if need be; n = 0 means no limit."""
        return cls(n, n / seconds) if n > 0 else cls(float("inf"), float("inf"))


@dataclass
class Buckets:
    rate: Rate
    prune_every: int = 1024
    _state: dict[str, tuple[float, float]] = field(default_factory=dict)  # key → (tokens, at)
    _takes: int = 0

    def take(self, key: str, now: float) -> float:
        """0 if the action may go ahead (and it is counted); otherwise the seconds until it may."""
        self._takes += 1
        if self._takes % self.prune_every == 0:
            self.prune(now)
        if self.rate.per_second == float("inf"):
            return 0.0
        tokens = self._tokens(key, now)
        if tokens >= 1:
            self._state[key] = (tokens - 1, now)
            return 0.0
        return (1 - tokens) / self.rate.per_second

    def wait(self, key: str, now: float) -> float:
        """Like take, without taking: 0 if the action may go ahead, else the seconds until it may."""
        if self.rate.per_second == float("inf"):
            return 0.0
        return max(0.0, 1 - self._tokens(key, now)) / self.rate.per_second

    def give_back(self, key: str, now: float) -> None:
        """Undo one take: the action it allowed did not happen."""
        if key in self._state:
            self._state[key] = (min(self.rate.capacity, self._tokens(key, now) + 1), now)

    def _tokens(self, key: str, now: float) -> float:
        if key not in self._state:
            return self.rate.capacity
        tokens, at = self._state[key]
        return min(self.rate.capacity, tokens + max(0.0, now - at) * self.rate.per_second)

    def prune(self, now: float) -> None:
        self._state = {k: v for k, v in self._state.items() if self._tokens(k, now) < self.rate.capacity}

    def __len__(self) -> int:
        return len(self._state)


Allowance = Sequence[tuple[Buckets, str]]  # the buckets one action spends from, each with its key


def take_all(allowance: Allowance, now: float) -> float:
    """0 and one taken from each bucket, or the longest wait and none taken (none spent on a refusal)."""
    wait = max((buckets.wait(key, now) for buckets, key in allowance), default=0.0)
    if not wait:
        for buckets, key in allowance:
            buckets.take(key, now)
    return wait


def give_back_all(allowance: Allowance, now: float) -> None:
    for buckets, key in allowance:
        buckets.give_back(key, now)
