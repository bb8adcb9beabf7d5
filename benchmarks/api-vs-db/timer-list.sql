-- GET /api/incident-timers (first page, limit 100): EF Core's SQL, the caller one of users 1..1000 (as the wrk tokens).
\set n random(1, 1000)
SELECT i.id, i.reset_timestamp, i.notes, i.created_at, i.updated_at
FROM incident_timers AS i
WHERE i.user_id = ('00000000-0000-7000-8000-' || lpad((:n)::text, 12, '0'))::uuid
ORDER BY i.reset_timestamp DESC, i.id DESC
LIMIT 100;
