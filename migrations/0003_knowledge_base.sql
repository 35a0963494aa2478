-- 0003 knowledge_base: articles, their chunks, and chunk embeddings per embedding space.
-- Vectors of different models must never be compared, so every vector row names its space, and each
-- space gets its own partial HNSW index over `embedding::vector(N)` (created by the service when the
-- space is registered, because N is only known then). One table for all spaces keeps re-indexing a
-- matter of inserting rows, and the old space keeps answering until the new one is complete.

CREATE TABLE embedding_spaces (
  id text PRIMARY KEY,                     -- provider:model:dimensions
  provider text NOT NULL,
  model text NOT NULL,
  dimensions int NOT NULL CHECK (dimensions BETWEEN 1 AND 2000),
  index_name text NOT NULL UNIQUE,
  status text NOT NULL CHECK (status IN ('building', 'active', 'retired')),
  created_at timestamptz NOT NULL DEFAULT now(),
  activated_at timestamptz
);
CREATE UNIQUE INDEX embedding_spaces_one_active ON embedding_spaces ((true)) WHERE status = 'active';

CREATE TABLE kb_articles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  external_id text NOT NULL UNIQUE,
  title text NOT NULL,
  body text NOT NULL,
  language text NOT NULL,
  department text NOT NULL CHECK (department IN ('technical', 'commercial', 'both')),
  tags text[] NOT NULL DEFAULT '{}',
  url text,
  status text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
  content_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Only published articles have chunks: a draft is invisible to search until it is published.
CREATE TABLE kb_chunks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  article_id uuid NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
  ordinal int NOT NULL,
  heading_path text NOT NULL DEFAULT '',
  content text NOT NULL,
  language text NOT NULL,
  department text NOT NULL,
  fts tsvector NOT NULL,
  UNIQUE (article_id, ordinal)
);
-- fastupdate off: a pending list that is never vacuumed slows every search 2-5x.
CREATE INDEX kb_chunks_fts ON kb_chunks USING gin (fts) WITH (fastupdate = off);

-- language and department are repeated here so filtered kNN can filter inside the index scan.
CREATE TABLE kb_chunk_embeddings (
  space_id text NOT NULL REFERENCES embedding_spaces (id) ON DELETE CASCADE,
  chunk_id uuid NOT NULL REFERENCES kb_chunks (id) ON DELETE CASCADE,
  language text NOT NULL,
  department text NOT NULL,
  embedding vector NOT NULL,
  PRIMARY KEY (space_id, chunk_id)
);
CREATE INDEX kb_chunk_embeddings_chunk ON kb_chunk_embeddings (chunk_id);

-- Small key-value facts about this installation (for example that the demo knowledge base was loaded).
CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The full-text side of hybrid search. Customer questions are long and loosely worded, so the query
-- ORs its words (websearch_to_tsquery ANDs them) and is stemmed for German and English at once: each
-- chunk's tsvector is stemmed in its own language, and one of the two stemmings will match it.
CREATE FUNCTION kb_text_query(question text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT replace(websearch_to_tsquery('german', question)::text, ' & ', ' | ')::tsquery
      || replace(websearch_to_tsquery('english', question)::text, ' & ', ' | ')::tsquery
      || replace(websearch_to_tsquery('simple', question)::text, ' & ', ' | ')::tsquery
$$;
