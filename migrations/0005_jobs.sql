-- 0005 jobs: a durable queue for work that must outlive the request that asked for it (a webhook is
-- stored and answered fast; the work happens later, in a worker). pg-boss and graphile-worker do this
-- on PostgreSQL but do not run on PGlite, the embedded default, so the queue is this table plus the
-- statements in src/storage/queries/jobs.ts, written once for both.
--
-- Workers claim rows with SELECT ... FOR UPDATE SKIP LOCKED and hold them under a lease (locked_until)
-- that heartbeats extend. A running row whose lease ran out belongs to a worker that died and is
-- claimed again, so delivery is at-least-once; handlers make their effects idempotent.
-- locked_by stays on done and dead rows as a record of the worker that ran the last attempt.
CREATE TABLE jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  queue text NOT NULL CHECK (length(queue) BETWEEN 1 AND 200),
  payload jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
  attempts int NOT NULL DEFAULT 0,         -- claims so far, including one that is running
  max_attempts int NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
  run_at timestamptz NOT NULL DEFAULT now(),  -- not before; failures push it out by the backoff
  locked_by text,
  locked_until timestamptz,                -- the lease; only set while running
  last_error text,
  dedupe_key text UNIQUE,                  -- enqueueing the same key twice is one job (NULLs never collide)
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

-- Claiming looks for queued rows that are due and running rows whose lease expired; both lead with status.
CREATE INDEX jobs_claim ON jobs (status, run_at);
-- The admin listing pages through one status newest first.
CREATE INDEX jobs_status_created ON jobs (status, created_at DESC, id DESC);
