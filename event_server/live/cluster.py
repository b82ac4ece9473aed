"""Several worker processes (or machines) serving one event as if they were one.

Without REDIS_URL everything stays in this process. With it:
- python-socketio's AsyncRedisManager carries every room emit to the clients of every worker, so a
  question asked on worker A reaches an attendee connected to worker B;
- `announce(kind)` tells every worker (this one too) that shared state in the store changed — the
  moderators' overrides, say — and each reloads it and re-plans its own scheduler. Each scheduler
  then tells only its own clients (`ignore_queue`), so a room change is not delivered N times;
- `head_count(room, local)` keeps this worker's head count of a room in a Redis hash and sums every
  live worker's, so an attendee sees how many watch the event, not how many share their worker.

Redis may go away for a while (a restart, a failover, a network blip). The listener then logs the loss,
tries again with backoff (BACKOFF, doubling up to BACKOFF_MAX) and, once subscribed again, logs the
recovery and reloads every kind of shared state, since notices published meanwhile never reached it.
An announcement that cannot be published is applied here at once and published again on recovery.
Meanwhile the worker goes on serving its own clients: python-socketio delivers a room emit to this
worker's sockets before publishing it, and head counts fall back to this worker's own. `healthy` and
`last_error` say how the link stands (for /readyz).
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable

import socketio
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
Handler = Callable[[], Awaitable[None]]
STALE = 30.0  # seconds: a worker whose head count is older than this has gone (killed, not stopped)
BACKOFF, BACKOFF_MAX = 0.5, 2.0  # seconds before trying Redis again after a loss, doubling up to the max
PING_TIMEOUT = 2.0  # seconds: a load balancer's probe must get an answer before its own timeout


class Cluster:
    def __init__(self, redis_url: str | None, event_id: str):
        self.redis_url = redis_url
        self.channel = f"event_server:{event_id}:state"
        self.counts = f"event_server:{event_id}:presence:"  # + room: a hash of worker -> "count unix-time"
        self.counted: set[str] = set()  # the hashes holding this worker's counts, emptied on stop
        self.worker = uuid.uuid4().hex[:12]
        self.handlers: dict[str, Handler] = {}
        self.redis: Redis | None = None
        self.task: asyncio.Task | None = None
        self.healthy = True  # subscribed to the state channel (always true for a single process)
        self.last_error: str | None = None  # why the link to Redis last failed, kept after it recovers
        self.unsent: set[str] = set()  # kinds announced while Redis was away: published on recovery

    @property
    def shared(self) -> bool:
        return self.redis_url is not None

    def client_manager(self) -> socketio.AsyncManager | None:
        if not self.redis_url:
            return None
        return _RedisManager(self.redis_url, channel=f"{self.channel}:socketio")

    def on(self, kind: str, handler: Handler) -> None:
        self.handlers[kind] = handler

    async def start(self) -> None:
        if not self.redis_url:
            return
        self.redis = Redis.from_url(self.redis_url)
        pubsub = self.redis.pubsub()
        await pubsub.subscribe(self.channel)  # at start-up Redis must answer: a misconfiguration shows at once
        self.task = asyncio.create_task(self._keep_listening(pubsub), name="cluster")

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        if self.redis:
            with contextlib.suppress(RedisError):  # Redis away: the others drop our counts after STALE instead
                for key in self.counted:  # the others stop counting our people at once
                    await self.redis.hdel(key, self.worker)
            await self.redis.aclose()

    async def problem(self) -> str | None:
        """Why this worker cannot serve its share now (for /readyz), or None: Redis answers and the
        listener that hears the other workers' notices runs (or there is no Redis to need)."""
        if self.redis is None:
            return None
        try:
            await asyncio.wait_for(self.redis.ping(), PING_TIMEOUT)
        except (RedisError, OSError, TimeoutError) as exc:
            return f"Redis does not answer: {exc or type(exc).__name__}"
        if self.task is None or self.task.done() or not self.healthy:
            return (f"the Redis listener is not subscribed ({self.last_error or 'stopped'}): notices from other "
                    "workers are not heard")
        return None

    async def announce(self, kind: str) -> None:
        """Shared state of this kind changed in the store: every worker reloads it."""
        if self.redis is None:
            await self._run(kind)
            return
        try:
            await self.redis.publish(self.channel, json.dumps({"kind": kind, "from": self.worker}))
        except RedisError as exc:  # the change is stored: apply it here now, tell the others on recovery
            log.warning("cluster: could not announce %s (%s); applied on this worker, will announce on recovery",
                        kind, exc)
            self.unsent.add(kind)
            await self._run(kind)

    async def head_count(self, room: str, local: int) -> int:
        """People in `room` on every worker, `local` of them on this one."""
        if self.redis is None:
            return local
        key, now = self.counts + room, time.time()
        self.counted.add(key)
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.hset(key, self.worker, f"{local} {now}")  # queued: the pipeline sends both at once
                pipe.hgetall(key)
                counts = (await pipe.execute())[1]
        except RedisError as exc:  # a count is a nicety: show ours rather than nothing
            log.warning("presence: Redis did not answer (%s); showing this worker's count", exc)
            return local
        others = (value.split() for worker, value in counts.items() if worker != self.worker.encode())
        return local + sum(int(n) for n, at in others if now - float(at) < STALE)

    async def _keep_listening(self, pubsub) -> None:
        while True:
            try:
                await self._listen(pubsub)
                problem = "the subscription ended"
            except (RedisError, OSError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            log.error("cluster: lost Redis (%s); serving this worker's clients alone until it is back", problem)
            self.healthy, self.last_error = False, problem
            await pubsub.aclose()
            pubsub = await self._subscribe_again()
            await self._recovered()

    async def _subscribe_again(self):
        """Try to subscribe until Redis answers, waiting longer after each failure."""
        assert self.redis is not None
        delay = BACKOFF
        while True:
            await asyncio.sleep(delay)
            pubsub = self.redis.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                return pubsub
            except (RedisError, OSError) as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"
                await pubsub.aclose()
                delay = min(delay * 2, BACKOFF_MAX)

    async def _recovered(self) -> None:
        """Subscribed again: catch up on what the others announced meanwhile, and tell them what we did."""
        log.warning("cluster: Redis is back; reloading shared state")
        self.healthy = True
        for kind in list(self.handlers):
            await self._run(kind)
        for kind in sorted(self.unsent):
            self.unsent.discard(kind)
            await self.announce(kind)

    async def _listen(self, pubsub) -> None:
        async for message in pubsub.listen():
            if message.get("type") != "message":
                continue
            try:
                kind = json.loads(message["data"])["kind"]
            except (ValueError, KeyError, TypeError):
                log.warning("ignoring a malformed cluster message: %r", message.get("data"))
                continue
            await self._run(kind)

    async def _run(self, kind: str) -> None:
        handler = self.handlers.get(kind)
        if handler is None:
            return
        try:
            await handler()
        except Exception:  # one failed reload must not stop the listener
            log.exception("reloading %s after a cluster notice failed", kind)


class _RedisManager(socketio.AsyncRedisManager):
    """python-socketio's Redis manager (room emits to every worker), subscribing again after a loss as
    promptly as the cluster's own listener: its own waits double up to 60 s, so after a long outage
    questions and tallies would cross between workers up to a minute after Redis came back."""

    async def _redis_listen_with_retries(self):
        delay = BACKOFF
        while True:
            try:
                self._redis_connect()
                await self.pubsub.subscribe(self.channel)
                delay = BACKOFF
                async for message in self.pubsub.listen():
                    yield message
            except (RedisError, OSError) as exc:
                log.warning("cluster: room emits from other workers paused (%s); subscribing again in %.1f s",
                            exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)
