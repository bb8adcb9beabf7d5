-- GET /api/{slug}/incident-timer: the API's SQL (TimerQueries.NewestBySlugAsync, as pg_stat_statements shows it), slug bench-1..10000.
\set n random(1, 10000)
SELECT k.created_at, k.id, k.notes, k.reset_timestamp, k.updated_at, k.user_display_name
FROM (
  SELECT t.id, t.reset_timestamp, t.notes, t.created_at, t.updated_at, u.display_name AS user_display_name
  FROM users AS u
  CROSS JOIN LATERAL (
    SELECT i.id, i.reset_timestamp, i.notes, i.created_at, i.updated_at
    FROM incident_timers AS i
    WHERE i.user_id = u.id
    ORDER BY i.reset_timestamp DESC, i.id DESC
    LIMIT 1) AS t
  WHERE u.slug = 'bench-' || (:n)::text
) AS k
LIMIT 1;
