-- 0002 api_keys: callers authenticate with bearer keys. Only a SHA-256 hash is stored, never the key:
-- keys are 256-bit random, so a fast hash is enough and a stolen table reveals nothing usable.
-- `lookup` (a prefix of the hash) finds the candidate row; the full hash is then compared in constant time.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role text NOT NULL CHECK (role IN ('integration', 'agent', 'lead', 'admin')),
  lookup text NOT NULL,
  hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE INDEX api_keys_lookup_active ON api_keys (lookup) WHERE revoked_at IS NULL;
