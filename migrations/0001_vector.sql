-- 0001 vector: pgvector comes first, so a server without it fails at start with instructions
-- (see explainMigrationFailure) instead of at the first search. Creating it needs a superuser once;
-- afterwards IF NOT EXISTS lets an ordinary owner role run this file.
CREATE EXTENSION IF NOT EXISTS vector;
