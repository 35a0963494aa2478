-- 0019 model artifacts: trained models as versioned rows, so a process that must not train (a Worker
-- isolate) loads the model another one trained, and a restart loads instead of training again.
--
-- * kind: department (the classifier's linear part and calibration; its kNN neighbours stay the stored
--   example vectors) or escalation (the detector's per-reason weights and calibration).
-- * version: the model's own version, a hash of everything it learnt from (stored in every decision).
-- * What it was trained for: the department model for an embedding space (its calibration was fitted on
--   that space's neighbours) and the examples' stamp; the escalation model for a policy version and the
--   stamp of the verdicts. A model serving newer inputs unchanged (a policy with the same text reasons)
--   is re-stamped instead of stored twice, so `stamp` is the newest inputs it is known to fit.
-- The escalation models of 0013 move here; their stamp is unknown, so the next Node start re-stamps them.
CREATE TABLE model_artifacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('department', 'escalation')),
  version text NOT NULL,
  space_id text REFERENCES embedding_spaces (id) ON DELETE CASCADE,
  policy_version int REFERENCES escalation_policies (version),
  stamp text,
  model bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  stamped_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'department') = (space_id IS NOT NULL))
);
CREATE UNIQUE INDEX model_artifacts_version ON model_artifacts (kind, (coalesce(space_id, '')), version);
CREATE INDEX model_artifacts_stamp ON model_artifacts (kind, stamp);

INSERT INTO model_artifacts (kind, version, model, created_at, stamped_at)
  SELECT 'escalation', version, model, created_at, created_at FROM escalation_models;
DROP TABLE escalation_models;
