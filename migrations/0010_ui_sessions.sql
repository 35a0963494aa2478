-- 0010 ui_sessions: people sign in to the web UI (/ui) once with their API key instead of sending it
-- with every page. The cookie holds a random session id; only its SHA-256 is stored here, so a stolen
-- table cannot be replayed. A session belongs to an API key and ends when the key is revoked (every
-- lookup joins api_keys and requires revoked_at IS NULL) or when it expires.
CREATE TABLE ui_sessions (
  id_hash text PRIMARY KEY,
  key_id uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,            -- sent back in a hidden field of every form; compared on every POST
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX ui_sessions_expires ON ui_sessions (expires_at);
CREATE INDEX ui_sessions_key ON ui_sessions (key_id);
