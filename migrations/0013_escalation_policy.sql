-- 0013 escalation policy: escalation becomes configurable and learned instead of hard-coded rules.
--
-- * escalation_policies: the policy as data (reasons, weights, due hours, what escalates alone), one row
--   per version; the highest version is in force. An invalid PUT never writes a row, so the previous
--   version stays in force. Every escalation records the version it was decided under.
-- * escalation_examples: labelled texts from the leads' and agents' verdicts ("should not have been
--   escalated", "needs a lead"); the detector retrains on them beside the shipped corpus.
-- * escalation_models: trained detector models by version (a hash of everything they learned from),
--   so a restart or a second process loads the model instead of training it again.
-- * accounts: the customer directory (key accounts, first-response times) matched to senders.
CREATE TABLE escalation_policies (
  version int PRIMARY KEY CHECK (version > 0),
  id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),   -- what the audit log refers to
  policy jsonb NOT NULL,
  created_by uuid REFERENCES api_keys (id) ON DELETE SET NULL,  -- NULL: the shipped default
  created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE escalations
  ADD COLUMN policy_version int REFERENCES escalation_policies (version),
  ADD COLUMN warranted boolean,            -- the lead's verdict: false = should not have been escalated
  ADD COLUMN opened_by uuid REFERENCES api_keys (id) ON DELETE SET NULL;  -- an agent who asked for a lead

CREATE TABLE escalation_examples (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  text text NOT NULL,
  language text NOT NULL,
  labels jsonb NOT NULL,                   -- {"<reason code>": true | false}; a reason not listed is unknown
  source text NOT NULL CHECK (source IN ('lead', 'agent')),
  inquiry_id uuid REFERENCES inquiries (id) ON DELETE SET NULL,
  author_key_id uuid REFERENCES api_keys (id) ON DELETE SET NULL,
  content_hash text NOT NULL UNIQUE,      -- the same verdict on the same text is one example
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE escalation_models (
  version text PRIMARY KEY,
  model bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  external_id text NOT NULL UNIQUE,         -- the CRM's id; upserts match on it
  name text NOT NULL,
  tier text NOT NULL CHECK (tier IN ('standard', 'premium', 'key_account')),
  first_response_hours real CHECK (first_response_hours > 0),
  domains text[] NOT NULL DEFAULT '{}',     -- lower case, without "@"
  emails text[] NOT NULL DEFAULT '{}',      -- lower case
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Triage looks a sender up by address and by domain; the name is matched against the text.
CREATE INDEX accounts_emails ON accounts USING gin (emails);
CREATE INDEX accounts_domains ON accounts USING gin (domains);
