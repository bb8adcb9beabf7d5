-- POST /api/incident-timers: EF Core's SQL, the caller one of users 1..1000.
\set n random(1, 1000)
INSERT INTO incident_timers (notes, reset_timestamp, user_id)
VALUES ('bench', now(), ('00000000-0000-7000-8000-' || lpad((:n)::text, 12, '0'))::uuid)
RETURNING id, created_at, updated_at;
