-- Staff sign-ins (core/staff.py): looked up by a digest of the cookie's random key, bound to a digest
-- of the token that opened them; ended_ms is set at sign-out.
CREATE TABLE staff_sessions (
    key_digest TEXT PRIMARY KEY,
    roles TEXT NOT NULL,
    name TEXT NOT NULL,
    token_digest TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL,
    ended_ms BIGINT
);

-- Attendees a moderator blocked: their questions are hidden and they may ask no more.
CREATE TABLE blocked_attendees (
    attendee TEXT PRIMARY KEY,
    blocked_by TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
