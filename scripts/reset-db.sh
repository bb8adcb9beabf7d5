#!/usr/bin/env bash
# reset-db.sh [--seed]: drop all data of the database, reapply every migration (which also re-grants the
# API's role), verify the result and print each table's row count: the migration worker's `reset` verb,
# as the dashboard's "Reset database" runs it. --seed adds the development user
# (kenn@example.com / TestPassword1) and a timer.
#
# Database: DATABASE_URL (postgresql://...), else the run-mode defaults (see scripts/lib/db.sh).
# The API role's password: AppDatabase__Password, else (without DATABASE_URL) the AppHost's user
# secret Parameters:app-db-password; with neither, the role keeps its password and is only re-granted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/db.sh"

seed=()
for arg in "$@"; do
  case $arg in
    --seed) seed=(--seed) ;;
    -h | --help) usage ;;
    *) fail "unknown argument '$arg' (usage: reset-db.sh [--seed])" ;;
  esac
done

if [ -z "${AppDatabase__Password:-}" ] && [ -z "${DATABASE_URL:-}" ]; then
  AppDatabase__Password=$(printenv 'Parameters__app-db-password' || true)
  [ -n "$AppDatabase__Password" ] || AppDatabase__Password=$(user_secret 'Parameters:app-db-password')
  export AppDatabase__Password
fi
default_database
run_worker reset "${seed[@]}"
