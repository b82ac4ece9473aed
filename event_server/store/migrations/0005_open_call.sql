-- The open call's three kinds of entry (a finished work, a project idea, a data scientist's profile),
-- the language each applicant used (their e-mails are written in it), whether they let curators give
-- their e-mail address to the person they are introduced to, and when their data was erased.
ALTER TABLE submissions ADD COLUMN kind TEXT NOT NULL DEFAULT 'work';            -- work | idea | profile
ALTER TABLE submissions ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';
ALTER TABLE submissions ADD COLUMN help TEXT NOT NULL DEFAULT '';                -- idea: the help it needs
ALTER TABLE submissions ADD COLUMN skills TEXT NOT NULL DEFAULT '';              -- profile
ALTER TABLE submissions ADD COLUMN tools TEXT NOT NULL DEFAULT '';               -- profile
ALTER TABLE submissions ADD COLUMN availability TEXT NOT NULL DEFAULT '';        -- profile: time they can give
ALTER TABLE submissions ADD COLUMN share_email INTEGER NOT NULL DEFAULT 0;       -- 1: consent to give the address
ALTER TABLE submissions ADD COLUMN pairing TEXT;                                 -- work: the pairing that made it
ALTER TABLE submissions ADD COLUMN erased_ms BIGINT;                             -- withdrawn or past keeping
CREATE INDEX submissions_by_kind ON submissions (kind, status, created_ms);

-- The data scientists who helped make a hung work, credited beside its artists (comma-separated).
ALTER TABLE gallery_works ADD COLUMN collaborators TEXT NOT NULL DEFAULT '';

-- An idea introduced to one data scientist, and how it went on.
CREATE TABLE pairings (
    id TEXT PRIMARY KEY,
    idea TEXT NOT NULL REFERENCES submissions (id),
    profile TEXT NOT NULL REFERENCES submissions (id),
    note TEXT NOT NULL DEFAULT '',        -- the curators' word to both, in the introduction e-mails
    status TEXT NOT NULL DEFAULT 'introduced',   -- introduced | working | submitted | accepted | ended
    work TEXT REFERENCES submissions (id),       -- the finished work, once sent
    created_ms BIGINT NOT NULL,
    changed_ms BIGINT NOT NULL,
    UNIQUE (idea, profile)
);
CREATE INDEX pairings_by_profile ON pairings (profile);

-- Who did what to an entry or a pairing: curators' decisions and the applicants' own steps.
CREATE TABLE curation_log (
    id TEXT PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    actor TEXT NOT NULL,                  -- as the session names it (today: "curator"), or "applicant"
    action TEXT NOT NULL,
    entry TEXT,
    pairing TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX curation_log_by_entry ON curation_log (entry, at_ms);
CREATE INDEX curation_log_by_pairing ON curation_log (pairing, at_ms);
