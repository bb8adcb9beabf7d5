#!/usr/bin/env bash
# grant-admin.sh EMAIL: makes the registered user EMAIL an admin, through the migration worker's
# `grant-admin` verb (audited; an existing admin is left as is), as the dashboard's "Grant admin…". The
# only way an admin is made outside the API: registration never verifies an email, so nothing grants
# admin by itself. The user signs in again to get a token that says admin.
# Database: DATABASE_URL (postgresql://...), else the run-mode defaults (see scripts/lib/db.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/db.sh"

case ${1:-} in
  "" ) fail "usage: grant-admin.sh EMAIL" ;;
  -h | --help) usage ;;
esac
[ $# -eq 1 ] || fail "usage: grant-admin.sh EMAIL"

default_database
run_worker grant-admin "$1"
