-- 0006 selective_text_query: the ORed full-text query matched most chunks of a large knowledge base
-- (5 000 of 10 000 per question in bench:kb), and ts_rank then ranked every match: the text leg took
-- 6x the time of the vector leg. A word found in more than 1 000 chunks (and more than 5% of them)
-- says little about which article answers, so the query leaves such words out (a small knowledge
-- base keeps every word).
-- The frequent words are copied from ANALYZE's tsvector statistics (pg_stats.most_common_elems) into
-- kb_common_lexemes whenever the service refreshes them: reading the pg_stats view per query cost
-- 4 ms on PGlite. A question made only of such words is left
-- to the vector side.
CREATE TABLE kb_common_lexemes (
  lexeme text PRIMARY KEY,
  chunks real NOT NULL
);

CREATE OR REPLACE FUNCTION kb_refresh_common_lexemes() RETURNS void
LANGUAGE sql AS $$
  DELETE FROM kb_common_lexemes;
  INSERT INTO kb_common_lexemes (lexeme, chunks)
  SELECT e.element, e.frequency * c.reltuples
    FROM pg_stats s
    JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace = s.schemaname::regnamespace,
         unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e (element, frequency)
   -- most_common_elem_freqs carries three more numbers than there are elements (min, max, null
   -- frequency); unnest pairs them with NULL elements, which are not words.
   WHERE s.schemaname = current_schema() AND s.tablename = 'kb_chunks' AND s.attname = 'fts'
     AND e.element IS NOT NULL AND e.frequency * c.reltuples > greatest(1000, 0.05 * c.reltuples)
  ON CONFLICT (lexeme) DO NOTHING;
$$;

-- The question is stemmed only in the configurations of the chunks it can match (the inquiry's
-- language when search is filtered by it): each to_tsvector costs about 2 ms on PGlite.
DROP FUNCTION kb_text_query(text);
CREATE FUNCTION kb_text_query(question text, configs regconfig[]) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(quote_literal(lexeme), ' | '), '')::tsquery
    FROM (SELECT lexeme
            FROM (SELECT DISTINCT lexeme FROM unnest(configs) AS config, unnest(tsvector_to_array(to_tsvector(config, question))) AS lexeme) words
           WHERE NOT EXISTS (SELECT 1 FROM kb_common_lexemes c WHERE c.lexeme = words.lexeme)
           -- Long words first (they are the rare ones); the cap bounds the size of the query.
           ORDER BY length(lexeme) DESC, lexeme
           LIMIT 32) chosen
$$;
