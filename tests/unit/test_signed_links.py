"""Signed, expiring links to recordings on another origin: handed out only from the premiere's start, one
link per window so a CDN caches it, in the two forms origins check (nginx secure_link, S3 presigned).
tests/deploy/test_recordings_offload.py has real nginx check the first form."""
from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from event_server.core.refusal import Refused
from event_server.core.signed_links import Signing, s3_presigned, sign, window

START = datetime(2020, 9, 19, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_no_link_before_the_premiere_starts():
    for form, signing in (("nginx", Signing(secret="s")), ("s3", Signing(s3_key_id="K", s3_secret="S"))):
        with pytest.raises(Refused) as refused:
            sign("https://cdn.example.org/a.webm", form, signing, START, START - timedelta(seconds=1))
        assert refused.value.code == "forbidden"
        assert sign("https://cdn.example.org/a.webm", form, signing, START, START)


def test_links_of_one_window_are_one_link_valid_at_least_a_window_longer():
    assert window(START, START, HOUR) == (START, START + 2 * HOUR)
    assert window(START, START + 59 * timedelta(minutes=1), HOUR) == (START, START + 2 * HOUR)
    assert window(START, START + 61 * timedelta(minutes=1), HOUR) == (START + HOUR, START + 3 * HOUR)
    signing = Signing(secret="s", ttl=HOUR)
    early, late = (sign("https://cdn.example.org/a.webm", "nginx", signing, START, START + timedelta(minutes=m))
                   for m in (1, 50))
    assert early == late


def test_the_nginx_form_is_the_md5_of_expiry_path_and_secret():
    link = sign("https://cdn.example.org/talks/a.webm", "nginx", Signing(secret="s3cr3t", ttl=HOUR), START, START)
    query = parse_qs(urlsplit(link).query)
    expires = int((START + 2 * HOUR).timestamp())
    assert query["expires"] == [str(expires)]
    digest = hashlib.md5(f"{expires}/talks/a.webm s3cr3t".encode()).digest()
    assert query["md5"] == [base64.urlsafe_b64encode(digest).decode().rstrip("=")]


def test_the_s3_form_matches_the_example_aws_documents():
    # "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)", its example GET
    signing = Signing(s3_key_id="AKIAIOSFODNN7EXAMPLE", s3_secret="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    link = s3_presigned("https://examplebucket.s3.amazonaws.com/test.txt", signing,
                        datetime(2013, 5, 24, tzinfo=UTC), timedelta(days=1))
    assert link.endswith("&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    assert "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" in link


def test_an_s3_link_starts_at_its_window_and_lasts_at_most_a_week():
    signing = Signing(s3_key_id="K", s3_secret="S", ttl=timedelta(days=5))
    query = parse_qs(urlsplit(sign("https://b.example.org/a.webm", "s3", signing, START, START + HOUR)).query)
    assert query["X-Amz-Date"] == ["20200919T120000Z"] and query["X-Amz-Expires"] == [str(7 * 24 * 3600)]


def test_a_form_without_its_secret_is_refused():
    with pytest.raises(Refused):
        sign("https://cdn.example.org/a.webm", "s3", Signing(secret="only nginx"), START, START)
    assert Signing().forms == frozenset() and Signing(secret="x", s3_key_id="k", s3_secret="s").forms == {"nginx", "s3"}
