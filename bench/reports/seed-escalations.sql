-- An escalation for every escalated inquiry: due after 4 h, claimed after 0–6 h, resolved after 1–30 h
-- (older than two days: all resolved; the last two days: some still open or claimed).
INSERT INTO escalations (inquiry_id, status, department, score, reasons, due_at, created_at, updated_at, claimed_at, resolved_at)
SELECT id,
       CASE WHEN created_at < $1::timestamptz - interval '2 days' OR r < 0.3 THEN 'resolved' WHEN r < 0.6 THEN 'claimed' ELSE 'open' END,
       department, 0.8, result -> 'escalation' -> 'reasons',
       created_at + interval '4 hours', created_at, created_at,
       CASE WHEN created_at < $1::timestamptz - interval '2 days' OR r < 0.6 THEN created_at + make_interval(mins => floor(r * 360)::int) END,
       CASE WHEN created_at < $1::timestamptz - interval '2 days' OR r < 0.3 THEN created_at + make_interval(hours => 1 + floor(r * 30)::int) END
  FROM (SELECT id, department, result, created_at, random() AS r FROM inquiries WHERE escalated) AS escalated
