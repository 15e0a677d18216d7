#!/bin/bash
# Creates the database roles and the `council` database on the first start of an empty
# data volume (the postgres image runs /docker-entrypoint-initdb.d/* only then). It mirrors
# src/database/provision.ts and docs/operations.md, "Database roles":
#
#   council_owner       owns the database, its public schema and every table; runs migrations
#   council_app         what the API connects as: LOGIN NOSUPERUSER NOBYPASSRLS, owns nothing,
#                       gets only the per-table grants the migrations give it
#   council_platform    the API's platform connection: no grant on any table, only EXECUTE on
#                       the published-statistics functions of schema `platform` (DESIGN.md §3.6)
#   council_statistics  NOLOGIN, owns those functions, SELECT on a few columns only
#
# Passwords come from COUNCIL_OWNER_PASSWORD, COUNCIL_APP_PASSWORD and COUNCIL_PLATFORM_PASSWORD.
# They are read by psql itself (\getenv), so they never appear on a command line; the session
# also keeps failing statements out of the server log.
set -e

: "${COUNCIL_OWNER_PASSWORD:?COUNCIL_OWNER_PASSWORD must be set}"
: "${COUNCIL_APP_PASSWORD:?COUNCIL_APP_PASSWORD must be set}"
: "${COUNCIL_PLATFORM_PASSWORD:?COUNCIL_PLATFORM_PASSWORD must be set}"

psql -v ON_ERROR_STOP=1 --no-psqlrc \
  --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v council_db="${COUNCIL_DB:-council}" <<'SQL'
\getenv owner_password COUNCIL_OWNER_PASSWORD
\getenv app_password COUNCIL_APP_PASSWORD
\getenv platform_password COUNCIL_PLATFORM_PASSWORD
SET log_statement = 'none';
SET log_min_error_statement = panic;

-- Roles: created if missing, then (re)set exactly as provisionRoles() does.
SELECT format('CREATE ROLE %I', r)
  FROM unnest(ARRAY['council_owner', 'council_app', 'council_platform', 'council_statistics']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE council_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION
  PASSWORD :'owner_password';
ALTER ROLE council_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION
  PASSWORD :'app_password';
ALTER ROLE council_platform LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION
  PASSWORD :'platform_password';
ALTER ROLE council_statistics NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;
-- Lets the migrations hand the statistics functions to council_statistics.
GRANT council_statistics TO council_owner;

-- The database, owned by council_owner; only the login roles may connect (provisionDatabase()).
SELECT format('CREATE DATABASE %I OWNER council_owner ENCODING %L', :'council_db', 'UTF8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'council_db') \gexec
REVOKE ALL ON DATABASE :"council_db" FROM PUBLIC;
-- CONNECT only: no TEMPORARY for the application or platform role (a temporary object can
-- shadow a name; migration 1763780741000 revokes it too).
GRANT CONNECT ON DATABASE :"council_db" TO council_owner, council_app, council_platform;

-- Schema hardening inside the new database (hardenSchema()).
\connect :"council_db"
ALTER SCHEMA public OWNER TO council_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO council_app;
SQL

echo "01-roles.sh: roles council_owner, council_app, council_platform, council_statistics and database ${COUNCIL_DB:-council} are ready"
