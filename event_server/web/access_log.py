"""One access-log line per request with the attendee's address (behind nginx, the proxy's is useless:
read from X-Forwarded-For as web/proxy.py does, TRUSTED_PROXIES hops from the right) and the time the
request took. The fields also travel as the record's extras, so LOG_FORMAT=json makes them keys."""
from __future__ import annotations

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

from .proxy import client_address


def access_logger(trusted_proxies: int) -> type[AbstractAccessLogger]:
    class AccessLogger(AbstractAccessLogger):
        def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
            remote = client_address(request.remote, request.headers.get("X-Forwarded-For"), trusted_proxies)
            fields = {"remote": remote or "-", "method": request.method, "path": request.path_qs,
                      "status": response.status, "bytes": response.body_length, "duration_ms": round(time * 1000, 2),
                      "user_agent": request.headers.get("User-Agent", "-")}
            self.logger.info('%(remote)s "%(method)s %(path)s" %(status)s %(bytes)s %(duration_ms).2fms', fields,
                             extra=fields)

        @property
        def enabled(self) -> bool:
            return self.logger.isEnabledFor(20)  # INFO: LOG_LEVEL=WARNING spares every request's formatting
    return AccessLogger
