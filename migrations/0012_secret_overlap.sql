-- 0012 secret overlap: rotating a webhook secret used to invalidate the old one at once, so every
-- delivery the helpdesk signed before its admin pasted the new secret there was refused (401) and, for
-- helpdesks that do not retry a 401, lost. PATCH can now keep the previous secret valid for a while
-- (previousSecretValidHours); both are accepted until the time given, then only the new one.
ALTER TABLE integrations
  ADD COLUMN previous_secret text,
  ADD COLUMN previous_secret_expires_at timestamptz,
  ADD CONSTRAINT integrations_previous_secret_expiry CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL));
