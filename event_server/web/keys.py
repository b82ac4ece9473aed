"""Typed keys for what the aiohttp application holds."""
from aiohttp import web

from ..runtime import Runtime
from .identity import Identity, Signer

RUNTIME = web.AppKey("runtime", Runtime)
SIGNER = web.AppKey("signer", Signer)

# What the request-context middleware works out for every request.
LANG = web.RequestKey("lang", str)
IDENTITY = web.RequestKey("identity", Identity)
CSRF = web.RequestKey("csrf", str)
