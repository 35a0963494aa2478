-- 0009 leads: what agents and leads decide about triaged inquiries, so the system learns from it and
-- a lead can see who did what.
--
-- Escalations move open → claimed → resolved; each change is an UPDATE conditional on the version the
-- lead saw, so two leads acting at once cannot both succeed (the loser gets 409).
ALTER TABLE escalations
  ADD COLUMN claimed_by uuid REFERENCES api_keys (id),   -- leads act with their own API keys
  ADD COLUMN claimed_at timestamptz,
  ADD COLUMN resolved_by uuid REFERENCES api_keys (id),
  ADD COLUMN resolved_at timestamptz,
  ADD COLUMN resolution text,
  ADD COLUMN final_department text CHECK (final_department IN ('technical', 'commercial')),
  ADD COLUMN reply text,
  ADD COLUMN kb_article_id uuid REFERENCES kb_articles (id) ON DELETE SET NULL,
  ADD COLUMN version int NOT NULL DEFAULT 0;          -- bumped by every change; the condition of the next one
CREATE INDEX escalations_department_queue ON escalations (department, status, due_at);

-- Agents' verdicts on the suggestions; a department correction also becomes a training example.
CREATE TABLE inquiry_feedback (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  inquiry_id uuid NOT NULL REFERENCES inquiries (id) ON DELETE CASCADE,
  used_article_id uuid,                    -- the suggestion the agent used; NULL: none of them
  edited boolean,
  rating smallint CHECK (rating BETWEEN 1 AND 5),
  correct_department text CHECK (correct_department IN ('technical', 'commercial')),
  comment text,
  author_key_id uuid REFERENCES api_keys (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inquiry_feedback_inquiry ON inquiry_feedback (inquiry_id, created_at);

-- Every lead action, with the state before and after, for admins.
CREATE TABLE audit_log (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  actor_key_id uuid REFERENCES api_keys (id),
  actor_name text NOT NULL,
  actor_role text NOT NULL,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  before jsonb,
  after jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_recent ON audit_log (created_at DESC, id DESC);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, created_at);

-- The agents' inquiry list filters by these and pages newest first.
CREATE INDEX inquiries_status_created ON inquiries (status, created_at DESC, id DESC);
