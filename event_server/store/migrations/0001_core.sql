-- Attendees are anonymous: the id lives in a signed cookie; a display name is optional.
CREATE TABLE attendees (
    id TEXT PRIMARY KEY,
    name TEXT,
    created_ms BIGINT NOT NULL
);
