-- GET /api/{slug}/incident-timer: EF Core's SQL (from pg_stat_statements), slug bench-1..10000.
\set n random(1, 10000)
SELECT i.id, i.reset_timestamp, i.notes, i.created_at, i.updated_at, u.display_name
FROM incident_timers AS i
INNER JOIN users AS u ON i.user_id = u.id
WHERE u.slug = 'bench-' || (:n)::text
ORDER BY i.reset_timestamp DESC
LIMIT 1;
