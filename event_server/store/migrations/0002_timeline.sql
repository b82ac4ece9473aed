-- Moderators' changes to the day (delay, extend, end_qa, skip, cancel), replayed in order of made_ms
-- over the programme at every start, so the effective schedule survives a restart.
CREATE TABLE overrides (
    id TEXT PRIMARY KEY,
    action TEXT NOT NULL,
    talk TEXT NOT NULL,
    minutes INTEGER NOT NULL DEFAULT 0,
    made_ms BIGINT NOT NULL
);
CREATE INDEX overrides_made ON overrides (made_ms);
