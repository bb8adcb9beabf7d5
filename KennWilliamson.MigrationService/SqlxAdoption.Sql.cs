namespace KennWilliamson.MigrationService;

/// <summary>The adoption's schema reshape, kept apart from the steps that decide when it runs.</summary>
internal static partial class SqlxAdoption
{
    private static string ReshapeSql => $"""
            DO $adopt$
            DECLARE r record;
            BEGIN
              FOR r IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
                       WHERE contype = 'f' AND conrelid = ANY (ARRAY[{TableOids}])
              LOOP
                EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
              END LOOP;
              FOR r IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
                       WHERE contype IN ('u', 'x') AND conrelid = ANY (ARRAY[{TableOids}])
              LOOP
                EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
              END LOOP;
              FOR r IN SELECT i.indexrelid::regclass AS idx FROM pg_index i
                       WHERE NOT i.indisprimary AND i.indrelid = ANY (ARRAY[{TableOids}])
              LOOP
                EXECUTE format('DROP INDEX %s', r.idx);
              END LOOP;
              FOR r IN SELECT conrelid::regclass::text AS tbl, conname FROM pg_constraint
                       WHERE contype = 'p' AND conrelid = ANY (ARRAY[{TableOids}])
              LOOP
                IF r.conname <> 'pk_' || r.tbl THEN
                  EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', r.tbl, r.conname, 'pk_' || r.tbl);
                END IF;
              END LOOP;
            END
            $adopt$;

            ALTER TABLE users ALTER COLUMN slug DROP DEFAULT;
            CREATE UNIQUE INDEX ux_users_email_lower ON users (lower(email));
            CREATE UNIQUE INDEX ix_users_slug ON users (slug);
            CREATE UNIQUE INDEX ix_roles_name ON roles (name);
            CREATE UNIQUE INDEX ix_user_roles_user_id_role_id ON user_roles (user_id, role_id);
            CREATE INDEX ix_user_roles_role_id ON user_roles (role_id);
            CREATE INDEX ix_user_roles_assigned_by ON user_roles (assigned_by);
            CREATE INDEX idx_incident_timers_user_reset ON incident_timers (user_id, reset_timestamp DESC);
            ALTER TABLE user_roles
              ADD CONSTRAINT fk_user_roles_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
              ADD CONSTRAINT fk_user_roles_roles_role_id FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE CASCADE,
              ADD CONSTRAINT fk_user_roles_users_assigned_by FOREIGN KEY (assigned_by) REFERENCES users (id) ON DELETE SET NULL;
            ALTER TABLE incident_timers
              ADD CONSTRAINT fk_incident_timers_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
            """;

    private static string TableOids => string.Join(", ", Tables.Select(t => $"'public.{t}'::regclass"));
}
