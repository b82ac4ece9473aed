-- Open-call submissions. The id is the reference shown to the submitter. Uploads live on disk
-- under data/uploads with a random name (upload); their type was sniffed from the bytes.
CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    created_ms BIGINT NOT NULL,
    attendee TEXT,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    technique TEXT NOT NULL,
    links TEXT NOT NULL,          -- https URLs, one per line
    motivation TEXT NOT NULL,
    upload TEXT,
    upload_kind TEXT,             -- image | audio | video
    upload_type TEXT,             -- the sniffed MIME type, sent back when the file is served
    upload_size BIGINT,
    status TEXT NOT NULL DEFAULT 'new',   -- new | accepted | rejected
    note TEXT NOT NULL DEFAULT '',        -- the curator's note
    decided_ms BIGINT
);
CREATE INDEX submissions_by_status ON submissions (status, created_ms);

-- Works a curator hung from a submission, with the fields as the curator edited them.
CREATE TABLE gallery_works (
    submission TEXT PRIMARY KEY REFERENCES submissions (id),
    room TEXT NOT NULL,
    slug TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    artists TEXT NOT NULL,        -- comma-separated
    year INTEGER,
    technique TEXT,
    description TEXT,
    media TEXT,
    youtube TEXT,
    alt TEXT,
    link TEXT,
    upload TEXT,
    hung_ms BIGINT NOT NULL,
    UNIQUE (room, slug)
);
