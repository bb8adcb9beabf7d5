-- uuidv7-drop.sql: removes the five functions created by uuidv7.sql. Idempotent.
-- Anything that depends on them, such as a column DEFAULT uuid_generate_v7() or an index on
-- uuid_v7_to_timestamptz(id), makes DROP fail. That is deliberate (no CASCADE): drop or change
-- those objects first. Do not run this where the pg_uuidv7 extension is installed: the extension
-- owns its functions and DROP EXTENSION pg_uuidv7 removes them.
-- The session setting uuidv7.last used by uuid_generate_v7() is not stored anywhere and
-- disappears with the session.

DROP FUNCTION IF EXISTS uuid_generate_v7();
DROP FUNCTION IF EXISTS uuid_v7_to_timestamptz(uuid);
DROP FUNCTION IF EXISTS uuid_timestamptz_to_v7(timestamptz, boolean);
DROP FUNCTION IF EXISTS uuid_v7_to_timestamp(uuid);
DROP FUNCTION IF EXISTS uuid_timestamp_to_v7(timestamp, boolean);
