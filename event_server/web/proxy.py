"""Behind nginx or a PaaS router every request comes from the proxy's address; per-address limits
(Q&A, open call) would then throttle the whole audience together. With TRUSTED_PROXIES=N the
client's address is read from X-Forwarded-For, N hops from the right — the entries the trusted
proxies appended — so a client cannot choose its own address by sending the header itself.
"""
from __future__ import annotations

from aiohttp import web


def client_address(remote: str | None, forwarded_for: str | None, hops: int) -> str | None:
    if hops <= 0 or not forwarded_for:
        return remote
    chain = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    return chain[-hops] if len(chain) >= hops else (chain[0] if chain else remote)


def forwarded_for(hops: int):
    @web.middleware
    async def middleware(request: web.Request, handler):
        address = client_address(request.remote, request.headers.get("X-Forwarded-For"), hops)
        return await handler(request.clone(remote=address) if address and address != request.remote else request)
    return middleware
