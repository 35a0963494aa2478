-- 0007 integrations: helpdesks that send us ticket webhooks and receive the triage result back.
--
-- A webhook is stored and answered at once (202) and triaged later by a job, so an inquiry now exists
-- before it has a department: 'received' rows carry the ticket, 'triaged' rows carry the result too.
-- Secrets are kept in plain text because verifying an HMAC needs the key itself; they are never
-- returned by the API nor logged, so access to them is access to the database.
CREATE TABLE integrations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),  -- a path segment of the webhook URL
  type text NOT NULL CHECK (type IN ('generic', 'zammad', 'zendesk', 'freshdesk')),
  secret text NOT NULL,
  callback_url text,                       -- generic: where the signed result is POSTed
  api_base_url text,                       -- helpdesks: their REST API, for tags, notes and groups
  api_token text,
  department_groups jsonb NOT NULL DEFAULT '{}',  -- { "technical": "<group>", "commercial": "<group>" }
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE inquiries
  ALTER COLUMN department DROP NOT NULL,
  ALTER COLUMN confidence DROP NOT NULL,
  ALTER COLUMN escalated DROP NOT NULL,
  ALTER COLUMN result DROP NOT NULL,
  ADD COLUMN integration_id uuid REFERENCES integrations (id) ON DELETE SET NULL,
  ADD COLUMN ticket jsonb,                 -- what the write-back needs to find the ticket again
  ADD COLUMN triaged_at timestamptz,
  ADD COLUMN written_back_at timestamptz,
  ADD CONSTRAINT inquiries_status CHECK (status IN ('received', 'triaged')),
  ADD CONSTRAINT inquiries_triaged_has_result CHECK (
    status <> 'triaged' OR (department IS NOT NULL AND confidence IS NOT NULL AND escalated IS NOT NULL AND result IS NOT NULL));
UPDATE inquiries SET triaged_at = created_at WHERE status = 'triaged';

-- Idempotency of the intake: each delivery records its keys (the sender's delivery id, and the ticket id
-- with a hash of its content); a second delivery that meets any stored key is the same inquiry.
CREATE TABLE webhook_deliveries (
  integration_id uuid NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  key text NOT NULL,
  inquiry_id uuid NOT NULL REFERENCES inquiries (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (integration_id, key)
);
