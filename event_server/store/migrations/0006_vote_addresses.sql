-- Where each vote came from, as a keyed digest of the voter's address (never the address itself), so that
-- one address can be held to a number of votes per question (QA_VOTES_PER_ADDRESS).
ALTER TABLE votes ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX votes_by_address ON votes (question, address);
