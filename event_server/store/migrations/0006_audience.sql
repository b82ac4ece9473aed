-- What the organisers' report (/report) counts: each room's head count, sampled every minute (the first
-- worker to write a minute wins: they all see the same sum); the reactions each talk got; the views of
-- each gallery work.
CREATE TABLE audience_samples (
    room TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    people INTEGER NOT NULL,
    PRIMARY KEY (room, at_ms)
);

CREATE TABLE reaction_counts (
    talk TEXT NOT NULL,
    kind TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (talk, kind)
);

CREATE TABLE gallery_views (
    room TEXT NOT NULL,
    work TEXT NOT NULL,
    views INTEGER NOT NULL,
    PRIMARY KEY (room, work)
);
