-- The original backend's database (Rust, SQLx) as its four migrations left it, for the adoption
-- tests. The original ran `CREATE EXTENSION IF NOT EXISTS pg_uuidv7;` first; the extension cannot be
-- installed on every test machine, so the tests run postgres/uuidv7.sql (the same five functions)
-- before this file instead.
-- Differences from this project's design, on purpose: case-sensitive email uniqueness
-- (users_email_key), user_roles.assigned_by without an ON DELETE action, users.slug DEFAULT '',
-- PostgreSQL's default constraint names, and the original's extra plain indexes.

CREATE TABLE _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
);

-- 20250829024919 create users table
CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v7(),
    email VARCHAR(255) UNIQUE NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    display_name VARCHAR(100) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_users_email ON users(email);
CREATE INDEX idx_users_created_at ON users(created_at);

CREATE OR REPLACE FUNCTION update_updated_at_column()
RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ language 'plpgsql';

CREATE TRIGGER update_users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- 20250829025210 create roles table
CREATE TABLE roles (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v7(),
    name VARCHAR(50) UNIQUE NOT NULL,
    description TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE user_roles (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v7(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role_id UUID NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    assigned_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    assigned_by UUID REFERENCES users(id),
    UNIQUE(user_id, role_id)
);
CREATE INDEX idx_roles_name ON roles(name);
CREATE INDEX idx_user_roles_user_id ON user_roles(user_id);
CREATE INDEX idx_user_roles_role_id ON user_roles(role_id);

CREATE TRIGGER update_roles_updated_at BEFORE UPDATE ON roles
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

INSERT INTO roles (name, description) VALUES
    ('user', 'Standard user with basic permissions'),
    ('admin', 'Administrator with full permissions');

-- 20250829095648 add user slug to users
ALTER TABLE users ADD COLUMN slug VARCHAR(255) UNIQUE NOT NULL DEFAULT '';
CREATE INDEX idx_users_slug ON users(slug);

-- 20250829095731 create incident timers table
CREATE TABLE incident_timers (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v7(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reset_timestamp TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    notes TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_incident_timers_user_id ON incident_timers(user_id);
CREATE INDEX idx_incident_timers_reset_timestamp ON incident_timers(reset_timestamp);
CREATE INDEX idx_incident_timers_user_reset ON incident_timers(user_id, reset_timestamp DESC);

CREATE TRIGGER update_incident_timers_updated_at BEFORE UPDATE ON incident_timers
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) VALUES
    (20250829024919, 'create users table', '2025-08-29 02:52:00+00', true, '\x01'::bytea, 12000000),
    (20250829025210, 'create roles table', '2025-08-29 02:52:01+00', true, '\x02'::bytea, 9000000),
    (20250829095648, 'add user slug to users', '2025-08-29 09:58:00+00', true, '\x03'::bytea, 4000000),
    (20250829095731, 'create incident timers table', '2025-08-29 09:58:01+00', true, '\x04'::bytea, 7000000);
