-- Live Q&A: questions, one vote per attendee and question, and who moderated what when.
CREATE TABLE questions (
    id TEXT PRIMARY KEY,
    talk TEXT NOT NULL,
    room TEXT NOT NULL,
    author TEXT NOT NULL REFERENCES attendees(id),
    name TEXT,
    text TEXT NOT NULL,
    text_key TEXT NOT NULL,
    state TEXT NOT NULL,
    on_air_room TEXT,
    votes INTEGER NOT NULL DEFAULT 0,
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL
);
-- The same text twice from one attendee is one question.
CREATE UNIQUE INDEX questions_same_text ON questions (talk, author, text_key);
-- At most one question on air per room (NULLs, i.e. not on air, are all distinct).
CREATE UNIQUE INDEX questions_one_on_air ON questions (on_air_room);
CREATE INDEX questions_by_talk ON questions (talk, created_ms);

CREATE TABLE votes (
    question TEXT NOT NULL REFERENCES questions(id),
    attendee TEXT NOT NULL REFERENCES attendees(id),
    created_ms BIGINT NOT NULL,
    PRIMARY KEY (question, attendee)
);
CREATE INDEX votes_by_attendee ON votes (attendee);

CREATE TABLE moderation_log (
    id TEXT PRIMARY KEY,
    question TEXT NOT NULL REFERENCES questions(id),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT,
    at_ms BIGINT NOT NULL
);
CREATE INDEX moderation_log_by_question ON moderation_log (question, at_ms);
