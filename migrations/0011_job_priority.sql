-- 0011 job priority: in a burst of webhooks the write-back of a ticket that was already triaged waited
-- behind every triage job queued before it (due jobs were claimed by run_at alone), so the first
-- ticket's result reached the helpdesk only after the last ticket of the burst had been triaged.
-- Work that finishes a ticket (write-back, lead notice) now goes first among due jobs; ties keep
-- run_at order. The claim index leads with status and priority so a claim still stops after `limit` rows.
ALTER TABLE jobs ADD COLUMN priority smallint NOT NULL DEFAULT 0;
DROP INDEX jobs_claim;
CREATE INDEX jobs_claim ON jobs (status, priority DESC, run_at);
