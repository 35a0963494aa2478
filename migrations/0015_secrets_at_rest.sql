-- 0015 secrets at rest: a copy of the database (a backup, a dump handed to support) should give no one a
-- working credential. Webhook secrets and helpdesk API tokens are now stored encrypted (AES-256-GCM, by the
-- service at start-up and on every write; see docs/security.md), which needs no schema change. The one
-- remaining plain credential was each web UI session's CSRF token: it is now derived from the session id
-- (of which only a hash is stored), so its column goes. Sessions signed in before stay valid.
ALTER TABLE ui_sessions DROP COLUMN csrf_token;
