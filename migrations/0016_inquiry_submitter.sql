-- 0016 inquiry submitter: the API key that submitted an inquiry through POST /v1/triage.
--
-- An `integration` key is one helpdesk's machine key; it may read back the inquiries it submitted and no
-- others (GET /v1/inquiries/:id answers 404 for the rest, so ids do not leak). Webhook and older
-- inquiries have no submitter. Keys are revoked, never deleted, so the reference stays valid.
ALTER TABLE inquiries ADD COLUMN submitted_by_key_id uuid REFERENCES api_keys (id) ON DELETE SET NULL;
