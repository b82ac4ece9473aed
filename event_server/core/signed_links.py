"""Signed, expiring links to a recording on another origin (a CDN, object storage), handed out only from the
premiere's start, so that a link shared before it opens nothing and a link shared later soon stops working.

Two documented forms, both checked by the origin, not by us:
- `nginx`: nginx's secure_link module, `?md5=…&expires=…`, the MD5 of expiry + path + " " + secret
  (deploy/nginx-origin.conf is such an origin);
- `s3`: an S3-style presigned URL (AWS Signature Version 4 in the query string), which S3, MinIO, Ceph,
  Cloudflare R2 and others accept.

Links handed out within one window share their expiry (and their text), so a CDN may cache one URL per
window, not one per viewer.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote, urlsplit

from .refusal import Refused

FORMS = ("nginx", "s3")
S3_LONGEST = timedelta(days=7)  # the longest X-Amz-Expires S3 accepts


@dataclass(frozen=True)
class Signing:
    """The secrets of each form the origin checks (empty: not configured) and how long a link lasts."""

    secret: str = field(default="", repr=False)  # nginx secure_link (RECORDINGS_LINK_SECRET)
    s3_key_id: str = ""  # RECORDINGS_S3_KEY_ID
    s3_secret: str = field(default="", repr=False)  # RECORDINGS_S3_SECRET
    s3_region: str = "us-east-1"  # RECORDINGS_S3_REGION
    ttl: timedelta = timedelta(hours=3)  # RECORDINGS_LINK_TTL: a link works at least this long after it is handed out

    @property
    def forms(self) -> frozenset[str]:
        """The forms this server can sign."""
        return frozenset(form for form, ready in (("nginx", self.secret), ("s3", self.s3_key_id and self.s3_secret))
                         if ready)


def window(start: datetime, now: datetime, ttl: timedelta) -> tuple[datetime, datetime]:
    """(signed at, expires) for a link handed out `now` for a premiere that starts at `start`: the window
    of length `ttl` now is in (counted from the start), valid until one window after it ends."""
    if now < start:
        raise Refused("forbidden", "the recording opens when its premiere starts")
    opened = start + ttl * ((now - start) // ttl)
    return opened, opened + 2 * ttl


def sign(url: str, form: str, signing: Signing, start: datetime, now: datetime) -> str:
    """`url`, signed in `form` so that it opens from now (not before `start`) until the window's expiry."""
    if form not in signing.forms:
        raise Refused("internal", f"recording links signed for {form} need its secret in the settings")
    opened, expires = window(start, now, signing.ttl)
    if form == "nginx":
        return nginx_secure_link(url, signing.secret, expires)
    return s3_presigned(url, signing, opened, min(expires - opened, S3_LONGEST))


def nginx_secure_link(url: str, secret: str, expires: datetime) -> str:
    """nginx's `secure_link $arg_md5,$arg_expires; secure_link_md5 "$secure_link_expires$uri <secret>";`."""
    until = int(expires.timestamp())
    digest = hashlib.md5(f"{until}{unquote(urlsplit(url).path)} {secret}".encode()).digest()
    token = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return f"{url}{'&' if urlsplit(url).query else '?'}md5={token}&expires={until}"


def s3_presigned(url: str, signing: Signing, signed_at: datetime, lasts: timedelta) -> str:
    """A GET presigned with AWS Signature Version 4 in the query, valid from `signed_at` for `lasts`."""
    parts = urlsplit(url)
    stamp, day = signed_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"), signed_at.astimezone(UTC).strftime("%Y%m%d")
    scope = f"{day}/{signing.s3_region}/s3/aws4_request"
    query = {"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": f"{signing.s3_key_id}/{scope}",
             "X-Amz-Date": stamp, "X-Amz-Expires": str(int(lasts.total_seconds())), "X-Amz-SignedHeaders": "host"}
    canonical_query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(query.items()))
    path = quote(unquote(parts.path or "/"), safe="/-_.~")
    request = f"GET\n{path}\n{canonical_query}\nhost:{parts.netloc}\n\nhost\nUNSIGNED-PAYLOAD"
    to_sign = f"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{hashlib.sha256(request.encode()).hexdigest()}"
    key = f"AWS4{signing.s3_secret}".encode()
    for part in (day, signing.s3_region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{parts.scheme}://{parts.netloc}{path}?{canonical_query}&X-Amz-Signature={signature}"


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")
