-- 0017 article review: a draft made from a lead's reply is neutralised (salutation, closing, names,
-- personal data and dates taken out, src/knowledge/neutral-draft.ts). What was taken out, counted per
-- kind ({"salutation": 1, "name": 2, "date": 1}), is kept beside the draft for the lead who reviews it:
-- not in the body, which would be published, and not as tags, which search and filters read.
-- Null for every other article.
ALTER TABLE kb_articles ADD COLUMN review_removed jsonb;
