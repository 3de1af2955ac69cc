#!/usr/bin/env bash
# The refresh benchmark: BENCH_CREDENTIALS (default 10000) OAuth2 credentials whose tokens expire at
# one instant, a local token endpoint answering in BENCH_TOKEN_DELAY_MS (default 20) ms, one Credflow
# process. Prints refreshes/s, how late the latest refresh ran against its schedule, the token
# requests seen, and the process's memory. `--postgres` runs it on a fresh PostgreSQL database.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./credflow build >/dev/null
# A JDK >= 21 as the launcher picks it: JAVA_HOME if new enough, else the newest under /usr/lib/jvm.
major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}'; }
java=""; best=0
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" && "$(major "$JAVA_HOME")" -ge 21 ]]; then
  java="$JAVA_HOME/bin/java"; best="$(major "$JAVA_HOME")"
else
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"; [[ -x "$d/bin/java" ]] || continue
    m="$(major "$d")"; if [[ "$m" -ge 21 && "$m" -gt "$best" ]]; then java="$d/bin/java"; best="$m"; fi
  done
fi
[[ -n "$java" ]] || { echo "refresh.sh: no JDK >= 21 found" >&2; exit 1; }
opts=(-Xss512k -XX:+UseSerialGC -Xms64m -Xmx256m)
if [[ "$best" -ge 23 ]]; then opts+=(--sun-misc-unsafe-memory-access=allow); fi
db=""
if [[ "${1:-}" == "--postgres" ]]; then
  name="credflow_refresh_$RANDOM$RANDOM"
  psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $name"
  trap 'psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)"' EXIT
  db="jdbc:postgresql://127.0.0.1:5432/$name"
fi
BENCH_DB_URL="$db" "$java" "${opts[@]}" -cp target/credflow.jar bench/RefreshBench.java
