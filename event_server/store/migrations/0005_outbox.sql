-- E-mail to applicants, queued in the transaction that decided it and sent by a background task
-- (core/outbox.py has the states and the guarantee). The Message-ID is fixed when the row is made.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    created_ms BIGINT NOT NULL,
    entry TEXT,                           -- the recipient's open-call entry
    pairing TEXT,                         -- the introduction it is about, if any
    template TEXT NOT NULL,               -- received | accepted | declined | introduction | …
    recipient TEXT NOT NULL,
    lang TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    html TEXT,
    reply_to TEXT,
    message_id TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued', -- queued | sending | sent | failed | uncertain
    attempts INTEGER NOT NULL DEFAULT 0,
    next_ms BIGINT NOT NULL,              -- not before
    claim TEXT,                           -- the worker's claim while sending
    lease_ms BIGINT,                      -- the claim runs out then
    handed_ms BIGINT,                     -- DATA began: from then on it may have arrived
    sent_ms BIGINT,
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (state, next_ms);
CREATE INDEX outbox_by_entry ON outbox (entry);
