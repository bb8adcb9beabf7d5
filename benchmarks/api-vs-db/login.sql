-- POST /api/auth/login: EF Core's SQL (user by email, roles, then refresh token and audit event in one
-- transaction), for users 1..10000; no password hash (that is the API's CPU work).
\set n random(1, 10000)
SELECT k.id, k.created_at, k.display_name, k.email, k.password_hash, k.slug, k.updated_at
FROM (
    SELECT * FROM users WHERE lower(email) = lower('bench-' || (:n)::text || '@example.com')
) AS k
LIMIT 2;
SELECT r.name
FROM user_roles AS u
INNER JOIN roles AS r ON u.role_id = r.id
WHERE u.user_id = ('00000000-0000-7000-8000-' || lpad((:n)::text, 12, '0'))::uuid
ORDER BY r.name;
BEGIN;
INSERT INTO refresh_tokens (expires_at, family_id, revoked_at, token_hash, used_at, user_id)
VALUES (now() + interval '30 days', gen_random_uuid(), NULL, sha256(random()::text::bytea), NULL, ('00000000-0000-7000-8000-' || lpad((:n)::text, 12, '0'))::uuid)
RETURNING id, created_at;
INSERT INTO audit_events (action, actor_user_id, client_address, details, target, user_agent)
VALUES ('auth.login.succeeded', ('00000000-0000-7000-8000-' || lpad((:n)::text, 12, '0'))::uuid, '127.0.0.1', NULL, 'user:' || (:n)::text, 'pgbench')
RETURNING id, occurred_at;
COMMIT;
