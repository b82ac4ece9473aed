"""The rules of staff sessions (core/staff.py) and the named tokens of the settings."""
from __future__ import annotations

import pytest

from event_server.config.settings import Settings, SettingsError
from event_server.core import staff

TOKENS = (staff.StaffToken("moderator", "anna", "d-anna"), staff.StaffToken("moderator", "shared", "d-both"),
          staff.StaffToken("curator", "shared", "d-both"))
HOUR = 3600 * 1000


def session(digest="d-anna", roles=("moderator",), expires=12 * HOUR):
    return staff.StaffSession(roles, "anna", digest, expires)


def test_a_token_gives_every_role_it_is_configured_for():
    assert staff.roles_of("d-both", TOKENS) == (("moderator", "curator"), "shared")
    assert staff.roles_of("d-anna", TOKENS) == (("moderator",), "anna")
    assert staff.roles_of("d-gone", TOKENS) is None


def test_a_session_ends_when_it_expires_or_its_token_is_no_longer_configured():
    assert staff.still_valid(session(), TOKENS, now_ms=HOUR) == ("moderator",)
    assert staff.still_valid(session(), TOKENS, now_ms=12 * HOUR) == ()
    assert staff.still_valid(session(digest="d-rotated"), TOKENS, now_ms=HOUR) == ()
    # a token that was moderator and curator, now only moderator: the session keeps only that
    both = session(digest="d-both", roles=("moderator", "curator"))
    assert staff.still_valid(both, TOKENS[:2], now_ms=HOUR) == ("moderator",)


def test_each_use_pushes_the_end_on_but_writes_at_most_once_a_minute():
    assert staff.slid(session(expires=12 * HOUR), now_ms=30_000) is None
    assert staff.slid(session(expires=12 * HOUR), now_ms=HOUR) == 13 * HOUR


def test_named_tokens_from_the_environment_or_a_file(tmp_path):
    inline = Settings.from_env({"MODERATOR_TOKENS": "anna:aaaaaaaaaaaaaaaa, boris:bbbbbbbbbbbbbbbb"})
    assert inline.moderator_tokens == (("anna", "a" * 16), ("boris", "b" * 16))
    listed = tmp_path / "curators"
    listed.write_text("# the curators\nvera:vvvvvvvvvvvvvvvv\n\ngleb:gggggggggggggggg\n")
    assert Settings.from_env({"CURATOR_TOKENS_FILE": str(listed)}).curator_tokens == (
        ("vera", "v" * 16), ("gleb", "g" * 16))


@pytest.mark.parametrize("text, message", [
    ("anna:short", "MODERATOR_TOKENS, entry 1: write name:token"),
    ("anna:aaaaaaaaaaaaaaaa,anna:cccccccccccccccc", "entry 2: the name 'anna' or its token is given twice"),
    ("anna:aaaaaaaaaaaaaaaa,boris:aaaaaaaaaaaaaaaa", "entry 2: the name 'boris' or its token is given twice"),
    ("no name:aaaaaaaaaaaaaaaa", "entry 1: write name:token")])
def test_named_tokens_that_cannot_be_used_are_refused_without_repeating_them(text, message):
    with pytest.raises(SettingsError, match=message) as refused:
        Settings.from_env({"MODERATOR_TOKENS": text})
    assert "aaaaaaaaaaaaaaaa" not in str(refused.value)


def test_a_missing_tokens_file_is_named(tmp_path):
    with pytest.raises(SettingsError, match="CURATOR_TOKENS_FILE cannot be read"):
        Settings.from_env({"CURATOR_TOKENS_FILE": str(tmp_path / "nowhere")})


def test_no_shared_token_is_generated_when_named_ones_are_given(tmp_path):
    filled = Settings(program=tmp_path / "p.yaml", data_dir=tmp_path, secret_key="k",
                      moderator_tokens=(("anna", "a" * 16),)).with_secrets()
    assert filled.moderator_token is None and filled.curator_token
