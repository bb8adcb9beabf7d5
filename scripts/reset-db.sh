#!/usr/bin/env bash
# reset-db.sh [--seed] [--yes]: drop all data of the database, reapply every migration (which also re-grants
# the API's role), verify the result and print each table's row count: the migration worker's `reset`
# verb, as the dashboard's "Reset database" runs it. It first asks for the database's name (type it to
# go on); --yes skips the question (for scripts). Without --yes and without the right answer nothing is
# dropped and the exit code is non-zero. --seed adds the development user (kenn@example.com /
# TestPassword1) and a timer, in the Development environment only (see below).
#
# Database: DATABASE_URL (postgresql://...), else the run-mode defaults (see scripts/lib/db.sh).
# Environment: without DATABASE_URL the database is the local run-mode one, a development database, so the
# worker runs as Development. With DATABASE_URL the shell decides: --seed is refused unless
# DOTNET_ENVIRONMENT=Development (the worker's environment; ASPNETCORE_ENVIRONMENT never makes it
# Development, and if set it must say Development too).
# Standard input closed (<&-) or at its end: no answer, nothing is dropped.
# The API role's password: AppDatabase__Password, else (without DATABASE_URL) the AppHost's user
# secret Parameters:app-db-password; with neither, the role keeps its password and is only re-granted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/db.sh"

seed=() yes=()
for arg in "$@"; do
  case $arg in
    --seed) seed=(--seed) ;;
    --yes | -y) yes=(--yes) ;;
    -h | --help) usage ;;
    *) fail "unknown argument '$arg' (usage: reset-db.sh [--seed] [--yes])" ;;
  esac
done

if [ -z "${DATABASE_URL:-}" ]; then
  if [ -z "${AppDatabase__Password:-}" ]; then
    AppDatabase__Password=$(printenv 'Parameters__app-db-password' || true)
    [ -n "$AppDatabase__Password" ] || AppDatabase__Password=$(user_secret 'Parameters:app-db-password')
    export AppDatabase__Password
  fi
fi
default_database
run_worker reset "${seed[@]}" "${yes[@]}"
