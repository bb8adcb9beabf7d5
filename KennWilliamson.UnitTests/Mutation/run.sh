#!/usr/bin/env bash
# Mutation testing of the unit layer's code under test (docs/testing.md): Stryker.NET once per project;
# a score under 80 % fails. Reports land in KennWilliamson.UnitTests/Mutation/StrykerOutput/.
set -euo pipefail
cd "$(dirname "$0")"
dotnet tool restore >/dev/null
status=0
for config in "${@:-api worker}"; do
  for name in $config; do
    dotnet stryker --config-file "$name.json" --output "StrykerOutput/$name" || status=1
  done
done
exit $status
