-- $1 inquiries over the 26 weeks before $2: 70 % German, 55 % e-mail, three in four on weekdays' daytime
-- (08–18 h), 12 % escalated, 15 % without knowledge, a complaint probability on every one. Each result
-- carries a reply text of about 1,300 characters that does not compress (md5 hex), as a stored triage
-- result with its suggested replies does, so the reports pay for reading it out of TOAST.
INSERT INTO inquiries (subject, body, language, channel, department, confidence, escalated, status, result, created_at)
SELECT 'Anfrage ' || n,
       (ARRAY['Mein Geschirrspüler zeigt Fehler E24 und pumpt nicht ab.', 'Die Rechnung 2026-1183 ist doppelt abgebucht worden.',
              'The router keeps dropping the connection every evening.', 'Where is my order? It was due last Friday.',
              'Ich möchte meinen Vertrag zum Monatsende kündigen.', 'Waschmaschine verliert Wasser unten links.'])[1 + (n % 6)],
       CASE WHEN r1 < 0.7 THEN 'de' WHEN r1 < 0.95 THEN 'en' ELSE 'fr' END,
       CASE WHEN r2 < 0.55 THEN 'email' WHEN r2 < 0.75 THEN 'phone' WHEN r2 < 0.9 THEN 'chat' ELSE 'web' END,
       CASE WHEN r3 < 0.55 THEN 'technical' ELSE 'commercial' END,
       0.6 + r3 * 0.4,
       r4 < 0.12,
       'triaged',
       jsonb_build_object(
         'noKnowledge', r5 < 0.15,
         'suggestions', CASE WHEN r5 < 0.15 THEN '[]'::jsonb
                             ELSE jsonb_build_array(jsonb_build_object('articleId', 'a' || (n % 40), 'externalId', 'kb-' || (n % 40), 'title', 'Artikel ' || (n % 40), 'relevance', r5,
                                                                  'reply', (SELECT string_agg(md5(n::text || k::text), ' ') FROM generate_series(1, 40) AS k))) END,
         'escalation', jsonb_build_object(
           'escalate', r4 < 0.12,
           'reasons', CASE WHEN r4 < 0.12 THEN jsonb_build_array(jsonb_build_object('code', (ARRAY['anger', 'legal_threat', 'safety', 'churn_risk', 'vip'])[1 + (n % 5)], 'detail', 'seeded'))
                           ELSE '[]'::jsonb END,
           'scores', jsonb_build_object('complaint', r6))),
       date_trunc('day', $2::timestamptz) - make_interval(days => 1 + floor(r7 * 182)::int)
         + make_interval(hours => CASE WHEN r8 < 0.75 THEN 8 + floor(r9 * 10)::int ELSE floor(r9 * 24)::int END, mins => floor(r6 * 60)::int)
  FROM (SELECT n, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6,
               random() AS r7, random() AS r8, random() AS r9
          FROM generate_series(1, $1::int) AS n) AS draws
