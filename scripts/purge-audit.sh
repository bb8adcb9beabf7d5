#!/usr/bin/env bash
# purge-audit.sh: deletes the audit events older than Audit__RetentionDays (default 400) days and prints
# how many went: the migration worker's `purge` verb, as the dashboard's "Purge old audit events". Meant
# to run on a schedule (cron, a systemd timer, a Kubernetes CronJob: docs/operations.md).
#   Audit__RetentionDays   days of audit trail to keep, alias AUDIT_RETENTION_DAYS: a whole number from 1 to 36500
# Database: DATABASE_URL (postgresql://...), else the run-mode defaults (see scripts/lib/db.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/db.sh"

case ${1:-} in
  "") ;;
  -h | --help) usage ;;
  *) fail "unknown argument '$1' (usage: purge-audit.sh)" ;;
esac

default_database
run_worker purge
