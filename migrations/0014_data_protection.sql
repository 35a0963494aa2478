-- 0014 data protection: erasure (DSGVO Art. 17) and retention (Art. 5(1)(e)) must find every record
-- derived from an inquiry. Training examples (a department correction) and knowledge-base drafts (a
-- lead's reply) had no link back to the inquiry they came from, and escalation verdicts kept their text
-- when the inquiry went (ON DELETE SET NULL). Now all three keep the inquiry's id and go with it. The
-- erasure deletes them explicitly (to count them per kind); the cascade is the safety net, so nothing
-- derived can outlive its inquiry.
ALTER TABLE training_examples ADD COLUMN inquiry_id uuid REFERENCES inquiries (id) ON DELETE CASCADE;
CREATE INDEX training_examples_inquiry ON training_examples (inquiry_id) WHERE inquiry_id IS NOT NULL;

ALTER TABLE kb_articles ADD COLUMN inquiry_id uuid REFERENCES inquiries (id) ON DELETE CASCADE;
CREATE INDEX kb_articles_inquiry ON kb_articles (inquiry_id) WHERE inquiry_id IS NOT NULL;

ALTER TABLE escalation_examples
  DROP CONSTRAINT escalation_examples_inquiry_id_fkey,
  ADD CONSTRAINT escalation_examples_inquiry_id_fkey FOREIGN KEY (inquiry_id) REFERENCES inquiries (id) ON DELETE CASCADE;
CREATE INDEX escalation_examples_inquiry ON escalation_examples (inquiry_id) WHERE inquiry_id IS NOT NULL;

-- Jobs name their inquiry in the payload (triage, write-back, lead notice); erasure deletes them by it.
CREATE INDEX jobs_inquiry ON jobs ((payload ->> 'inquiryId')) WHERE payload ? 'inquiryId';

-- Rows stored before this migration: a draft's external id is "escalation:<escalation id>"; a
-- correction's text is the inquiry's subject and body as learnDepartment joined them (cut to 50 000
-- characters, then trimmed).
UPDATE kb_articles a SET inquiry_id = e.inquiry_id FROM escalations e WHERE a.external_id = 'escalation:' || e.id::text;
UPDATE training_examples t SET inquiry_id = i.id
  FROM inquiries i
 WHERE t.source = 'feedback' AND t.inquiry_id IS NULL
   AND t.text = btrim(left(concat_ws(E'\n\n', nullif(i.subject, ''), i.body), 50000), E' \t\n\r\f');
