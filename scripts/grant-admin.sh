#!/usr/bin/env bash
# grant-admin.sh EMAIL: makes the registered user EMAIL an admin, through the migration worker's
# `grant-admin` verb (audited; an existing admin is left as is). The only way an admin is made outside
# the API: registration never verifies an email, so nothing grants admin by itself. The user signs in
# again to get a token that says admin.
# Database: DATABASE_URL (postgresql://...), else the run-mode defaults (see scripts/lib/db.sh).
# The worker: see find_worker in scripts/lib/db.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/db.sh"

case ${1:-} in
  "" ) fail "usage: grant-admin.sh EMAIL" ;;
  -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
[ $# -eq 1 ] || fail "usage: grant-admin.sh EMAIL"
email=$1

db_connect
find_worker
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! ConnectionStrings__kennwilliamson=$DB_NPGSQL "${WORKER[@]}" grant-admin "$email" >"$log" 2>&1; then
  reason=$(grep -m1 -E 'Migration .* failed: ' "$log" | sed -E 's/.*Migration [a-zA-Z]+ failed: //' || true)
  fail "${reason:-the migration worker failed (exit code non-zero)}"
fi
grep -E 'already an admin|Granted admin' "$log" | sed 's/^ *//' | head -1 || true
info "grant-admin done: $email"
