-- 0008 inline_vectors: a 1024-dimension vector takes 4 kB, over PostgreSQL's 2 kB TOAST threshold, and
-- pgvector's storage is `external`, so every vector lived out of line in the TOAST table: a kNN that
-- scans the rows (the 414 default examples, a small knowledge base; the planner prefers a scan to the
-- HNSW index there) fetched 6-7 TOAST pages per row. The classifier's kNN over the examples took
-- 3.6 ms on PostgreSQL and 8.4 ms on PGlite (median, side by side with inline rows: 1.6 and 2.8 ms).
-- toast_tuple_target 8160 (the largest allowed) keeps a row whole in its heap page while it fits, up
-- to about 2 000 dimensions; larger vectors still move to TOAST as before. Compression (storage
-- `main`) is no faster than TOAST here, since each row is then decompressed.
ALTER TABLE training_example_embeddings SET (toast_tuple_target = 8160);
ALTER TABLE kb_chunk_embeddings SET (toast_tuple_target = 8160);

-- Rewrite the stored example vectors (a few hundred to a few thousand rows) so they move inline:
-- subvector() returns a detoasted copy, while `SET embedding = embedding` would keep the TOAST pointer.
-- Knowledge-base vectors are left as they are (a large base would rebuild its HNSW entries row by row);
-- new and re-embedded chunks are stored inline, and large bases are searched through the index, which
-- holds its own copy of each vector.
UPDATE training_example_embeddings SET embedding = subvector(embedding, 1, vector_dims(embedding));
