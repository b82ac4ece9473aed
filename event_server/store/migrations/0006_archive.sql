-- The archive: answered questions a moderator keeps off a talk's page after its Q&A (the question itself,
-- its state and votes stay as they were, for the organisers' report).
CREATE TABLE archive_hidden (
    question TEXT PRIMARY KEY REFERENCES questions(id),
    at_ms BIGINT NOT NULL
);
