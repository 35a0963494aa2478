-- 0004 triage: labelled examples the department classifier learns from, the inquiries it triaged,
-- and the escalations it opened for the leads' queue.

CREATE TABLE training_examples (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  text text NOT NULL,
  department text NOT NULL CHECK (department IN ('technical', 'commercial')),
  language text NOT NULL,
  source text NOT NULL CHECK (source IN ('default', 'api', 'import', 'feedback')),
  content_hash text NOT NULL UNIQUE,      -- the same text and label twice is one example
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Example vectors per embedding space, like kb_chunk_embeddings, so kNN over labelled examples uses
-- the same space as the inquiry's vector. Each space gets a partial HNSW index when it is registered.
CREATE TABLE training_example_embeddings (
  space_id text NOT NULL REFERENCES embedding_spaces (id) ON DELETE CASCADE,
  example_id uuid NOT NULL REFERENCES training_examples (id) ON DELETE CASCADE,
  department text NOT NULL,
  embedding vector NOT NULL,
  PRIMARY KEY (space_id, example_id)
);

CREATE TABLE inquiries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  external_id text,
  subject text,
  body text NOT NULL,
  language text NOT NULL,
  channel text,
  customer_id text,
  customer_name text,
  customer_email text,
  customer_tier text CHECK (customer_tier IN ('standard', 'premium', 'key_account')),
  metadata jsonb NOT NULL DEFAULT '{}',
  department text NOT NULL CHECK (department IN ('technical', 'commercial')),
  confidence real NOT NULL,
  escalated boolean NOT NULL,
  status text NOT NULL DEFAULT 'triaged',
  result jsonb NOT NULL,                  -- the triage response as returned, for GET and for audits
  created_at timestamptz NOT NULL DEFAULT now()
);
-- repeat_contact counts a customer's recent inquiries by id or by e-mail address.
CREATE INDEX inquiries_customer_recent ON inquiries (customer_id, created_at) WHERE customer_id IS NOT NULL;
CREATE INDEX inquiries_email_recent ON inquiries (lower(customer_email), created_at) WHERE customer_email IS NOT NULL;
CREATE INDEX inquiries_created ON inquiries (created_at);

CREATE TABLE escalations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  inquiry_id uuid NOT NULL UNIQUE REFERENCES inquiries (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'resolved')),
  department text NOT NULL,
  score real NOT NULL,
  reasons jsonb NOT NULL,
  due_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX escalations_queue ON escalations (status, due_at);
