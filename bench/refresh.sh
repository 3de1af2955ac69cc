#!/usr/bin/env bash
# The refresh benchmark: BENCH_CREDENTIALS (default 10000) OAuth2 credentials whose tokens expire at
# one instant, a local token endpoint answering in BENCH_TOKEN_DELAY_MS (default 20) ms, one Credflow
# process. Prints refreshes/s, how late the latest refresh ran against its schedule, the token
# requests seen, and the process's memory. `--postgres` runs it on a fresh PostgreSQL database.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
if bench_needs_build "$root"; then ./credflow build >/dev/null; fi
jdk="$(find_jdk bench)" || exit 1
java="$jdk/bin/java"
opts=(-Xss512k -XX:+UseSerialGC -Xms64m -Xmx256m)
if [[ "$(jdk_major "$jdk")" -ge 23 ]]; then opts+=(--sun-misc-unsafe-memory-access=allow); fi
db=""
if [[ "${1:-}" == "--postgres" ]]; then
  name="credflow_refresh_$RANDOM$RANDOM"
  psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $name"
  trap 'psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)"' EXIT
  db="jdbc:postgresql://127.0.0.1:5432/$name"
fi
BENCH_DB_URL="$db" "$java" "${opts[@]}" -cp target/credflow.jar bench/RefreshBench.java
