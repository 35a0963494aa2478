-- 0006 selective_text_query: the ORed full-text query matched most chunks of a large knowledge base
-- (5 000 of 10 000 per question in bench:kb), and ts_rank then ranked every match: the text leg took
-- 6x the time of the vector leg. A word found in more than 1 000 chunks says little about which
-- article answers, so the query leaves such words out (a small knowledge base keeps every word).
-- Frequencies come from the statistics ANALYZE keeps for tsvector columns (most_common_elems), which
-- cost nothing to read. When every word is that common, the longest eight are kept.
CREATE OR REPLACE FUNCTION kb_text_query(question text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH lexemes AS (
    SELECT DISTINCT lexeme
      FROM unnest(tsvector_to_array(to_tsvector('german', question))
                  || tsvector_to_array(to_tsvector('english', question))
                  || tsvector_to_array(to_tsvector('simple', question))) AS lexeme
  ),
  common AS (
    SELECT e.element AS lexeme
      FROM pg_stats s
      JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace = s.schemaname::regnamespace,
           unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e (element, frequency)
     WHERE s.schemaname = current_schema() AND s.tablename = 'kb_chunks' AND s.attname = 'fts'
       AND e.frequency * c.reltuples > 1000
  ),
  ranked AS (
    -- Long words first: they are the rare ones; the cap bounds the size of the query.
    SELECT lexeme, lexeme IN (SELECT lexeme FROM common) AS frequent,
           row_number() OVER (ORDER BY length(lexeme) DESC, lexeme) AS position
      FROM lexemes
  ),
  chosen AS (
    SELECT lexeme FROM ranked WHERE NOT frequent AND position <= 64
    UNION
    SELECT lexeme FROM ranked WHERE position <= 8 AND NOT EXISTS (SELECT 1 FROM ranked WHERE NOT frequent)
  )
  SELECT coalesce(string_agg(quote_literal(lexeme), ' | '), '')::tsquery FROM (SELECT lexeme FROM chosen ORDER BY length(lexeme) DESC, lexeme LIMIT 32) limited
$$;
