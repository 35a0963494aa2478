-- Agents' feedback on 30 % of the inquiries: half used a suggestion (a third of those edited), the rest
-- used none; 4 % of all inquiries got a department correction.
INSERT INTO inquiry_feedback (inquiry_id, used_article_id, edited, correct_department, created_at)
SELECT id,
       CASE WHEN r3 < 0.5 THEN gen_random_uuid() END,
       CASE WHEN r3 < 0.5 THEN r3 < 0.17 END,
       CASE WHEN r2 < 0.04 THEN CASE department WHEN 'technical' THEN 'commercial' ELSE 'technical' END END,
       created_at + interval '20 minutes'
  FROM (SELECT id, department, created_at, random() AS r, random() AS r2, random() AS r3 FROM inquiries) AS all_inquiries
 WHERE r < 0.3 OR r2 < 0.04
