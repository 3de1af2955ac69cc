#!/usr/bin/env bash
# The flow benchmark: Credflow processes (java -jar target/credflow.jar serve) running a 3-step flow
# against a local upstream, 64 runs in flight (a closed loop of runs started through the API), on
# H2 with one process, then on PostgreSQL with one and with two processes. Prints steps/s, the CPU
# per step (Credflow, and PostgreSQL's) next to the CPU per request of the executor in-process
# (mode b of bench/executor.sh) and their ratio; the output is kept in bench/out/flows-<UTC>.txt.
#
#   bash bench/flows.sh            # 30 s warm-up + 30 s measured per setup, mode b 100,000 requests
#   bash bench/flows.sh --quick    # 4 s + 8 s, mode b 10,000: a smoke run, not for figures
#
# Environment: BENCH_SETUPS (h2,pg1,pg2), BENCH_IN_FLIGHT (64), BENCH_WARMUP_SECONDS,
# BENCH_SECONDS, BENCH_B_REQUESTS, BENCH_B_WARMUP, BENCH_PG_HOST/PORT/USER, CREDFLOW_JAVA_OPTS,
# JAVA_HOME.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

warmup_s=30
seconds=30
b_requests=100000
b_warmup=20000
for arg in "$@"; do
  case "$arg" in
    --quick) warmup_s=4; seconds=8; b_requests=10000; b_warmup=2000 ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "flows.sh: unknown argument $arg (use --quick)" >&2; exit 2 ;;
  esac
done
warmup_s="${BENCH_WARMUP_SECONDS:-$warmup_s}"
seconds="${BENCH_SECONDS:-$seconds}"
b_requests="${BENCH_B_REQUESTS:-$b_requests}"
b_warmup="${BENCH_B_WARMUP:-$b_warmup}"
in_flight="${BENCH_IN_FLIGHT:-64}"
setups="${BENCH_SETUPS:-h2,pg1,pg2}"
pg_host="${BENCH_PG_HOST:-127.0.0.1}"
pg_port="${BENCH_PG_PORT:-5432}"
pg_user="${BENCH_PG_USER:-postgres}"

jdk="$(find_jdk bench)" || exit 1
export JAVA_HOME="$jdk"
if bench_needs_build "$root"; then ./credflow build >/dev/null; fi
jar="$root/target/credflow.jar"

work="$(mktemp -d "${TMPDIR:-/tmp}/credflow-bench-flows.XXXXXX")"
classes="$work/classes"
"$jdk/bin/javac" -nowarn --release 21 -cp "$jar" -d "$classes" \
  bench/BenchUpstream.java bench/ExecutorBench.java bench/FlowBench.java
bench_jar="$root/target/bench-flows.jar"
"$jdk/bin/jar" --create --file "$bench_jar" -C "$classes" .

# The launcher's JVM options without its class-data archive or ahead-of-time cache (see
# executor.sh: they only matter at startup and would be rewritten for another class path).
mapfile -t raw < <(bench_server_java_opts "$root" "$jdk")
opts_source="${raw[-1]#\#}"
unset 'raw[-1]'
java_opts=()
for o in "${raw[@]}"; do
  case "$o" in
    -XX:SharedArchiveFile=* | -XX:+AutoCreateSharedArchive | -XX:AOTCache=*) ;;
    *) java_opts+=("$o") ;;
  esac
done
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

mkdir -p bench/out
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="bench/out/flows-$stamp.txt"
api_key="bench-admin-key-$(bench_random_hex 24)"

pids=()
pg_db=""
psql_admin() {
  psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 -qAtX "$@"
}
stop_all() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
  if [[ -n "$pg_db" ]]; then
    psql_admin -c "DROP DATABASE IF EXISTS \"$pg_db\" WITH (FORCE)" >/dev/null 2>&1 || true
    pg_db=""
  fi
}
cleanup() {
  stop_all
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Mode b of the executor benchmark: the executor in-process, CPU per request.
mode_b() {
  local log="$work/upstream.log" up port=""
  "$jdk/bin/java" "${java_opts[@]}" -cp "$jar:$bench_jar" BenchUpstream jetty >"$log" 2>&1 &
  up=$!
  pids+=("$up")
  for _ in $(seq 1 300); do
    port="$(sed -n 's/^port=\([0-9]*\).*/\1/p' "$log" | head -n1)"
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "flows.sh: the upstream did not start" >&2; cat "$log" >&2; return 1; }
  BENCH_UPSTREAM_PORT="$port" BENCH_UPSTREAM_PID="$up" BENCH_REQUESTS="$b_requests" \
    BENCH_WARMUP="$b_warmup" BENCH_CALLERS="$in_flight" BENCH_MODES=b \
    "$jdk/bin/java" "${java_opts[@]}" -cp "$jar:$bench_jar" ExecutorBench >"$work/b.txt" 2>&1 || true
  stop_all
  grep -E '^b: ' "$work/b.txt" | head -n 2
  sed -n 's/^CPU per request of b = \([0-9.]*\) µs.*/\1/p' "$work/b.txt" | head -n1 >"$work/b_us"
  [[ -s "$work/b_us" ]] || { echo "flows.sh: mode b gave no figure:" >&2; tail -n 20 "$work/b.txt" >&2; return 1; }
}

# Starts process $2 of setup $1 on port $3 (PostgreSQL when $4 is a JDBC URL); waits for /health
# and leaves its pid in started_pid.
started_pid=""
start_server() {
  local setup="$1" i="$2" port="$3" db="${4:-}" pid
  local env_args=(CREDFLOW_ADMIN_API_KEY="$api_key" CREDFLOW_RATE_LIMIT=0
    CREDFLOW_ALLOW_PRIVATE_NETWORK=true CREDFLOW_FLOW_THREADS="$in_flight")
  local args=(serve --port "$port" --host 127.0.0.1 --data "$work/$setup-data-$i")
  if [[ -n "$db" ]]; then
    env_args+=(CREDFLOW_DB_URL="$db" CREDFLOW_DB_USER="$pg_user" CREDFLOW_KEYSET="$work/$setup-keyset.json")
  fi
  env "${env_args[@]}" "$jdk/bin/java" "${java_opts[@]}" -jar "$jar" "${args[@]}" \
    >"$work/$setup-server-$i.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 1200); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/health" || true)" == 200 ]]; then
      started_pid="$pid"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "flows.sh: Credflow ($setup, process $i) did not get healthy; its log:" >&2
  tail -n 40 "$work/$setup-server-$i.log" >&2
  cp "$work/$setup-server-$i.log" "bench/out/flows-$stamp-$setup-server-$i.log" || true
  return 1
}

run_setup() {
  local setup="$1" n db="" urls=() spids=() i port label
  case "$setup" in
    h2) n=1; label="H2, 1 process" ;;
    pg1) n=1; label="PostgreSQL, 1 process" ;;
    pg2) n=2; label="PostgreSQL, 2 processes" ;;
    *) echo "flows.sh: unknown setup $setup (h2, pg1, pg2)" >&2; return 1 ;;
  esac
  if [[ "$setup" != h2 ]]; then
    pg_db="credflow_bench_$(bench_random_hex 12)"
    psql_admin -c "CREATE DATABASE \"$pg_db\"" >/dev/null
    db="jdbc:postgresql://$pg_host:$pg_port/$pg_db"
  fi
  for ((i = 0; i < n; i++)); do
    port="$(bench_free_port)"
    start_server "$setup" "$i" "$port" "$db" || return 1
    urls+=("http://127.0.0.1:$port")
    spids+=("$started_pid")
  done
  local IFS=,
  BENCH_SERVERS="${urls[*]}" BENCH_SERVER_PIDS="${spids[*]}" BENCH_ADMIN_KEY="$api_key" \
    BENCH_LABEL="$label" BENCH_IN_FLIGHT="$in_flight" BENCH_WARMUP_SECONDS="$warmup_s" \
    BENCH_SECONDS="$seconds" BENCH_PG_URL="${db}" BENCH_PG_USER="$pg_user" \
    "$jdk/bin/java" -XX:+UseSerialGC -Xmx256m -cp "$jar:$bench_jar" FlowBench \
    | tee "$work/$setup.txt" || true
  unset IFS
  stop_all
  grep -q '^result .* ok=true' "$work/$setup.txt"
}

set +e
{
  echo "flow benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -srm), $(nproc) cores"
  echo "command:  bash bench/flows.sh $*"
  echo "before the run: load $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min), machine CPU busy $(bench_busy_pct 2) % of one core (2 s sample)"
  echo "Credflow JVM options ($opts_source): ${java_opts[*]}"
  echo "load: $in_flight runs in flight, ${warmup_s} s warm-up + ${seconds} s measured per setup; mode b: $b_warmup + $b_requests requests, $in_flight callers"
  echo
  status=0
  mode_b || status=1
  b_us="$(cat "$work/b_us" 2>/dev/null || echo 0)"
  echo
  results=()
  for setup in ${setups//,/ }; do
    if run_setup "$setup"; then :; else status=1; fi
    results+=("$(grep '^result ' "$work/$setup.txt" 2>/dev/null | tail -n1)")
    echo
  done
  echo "after the run: load $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
  echo
  printf '%-26s %9s %12s %9s %9s %14s %11s %9s %8s\n' setup "steps/s" "Credflow µs" "JIT µs" "PG µs" "b µs/request" "Credflow/b" "(C+PG)/b" machine
  for r in "${results[@]}"; do
    [[ -n "$r" ]] || continue
    label="$(bench_kv "$r" label)"
    sps="$(bench_kv "$r" steps_per_s)"
    cpu="$(bench_kv "$r" cpu_us_per_step)"
    pg="$(bench_kv "$r" pg_us_per_step)"
    jit="$(bench_kv "$r" jit_us_per_step)"
    busy="$(bench_kv "$r" machine_pct)"
    awk -v l="${label//_/ }" -v s="$sps" -v c="$cpu" -v j="$jit" -v p="$pg" -v b="$b_us" -v m="$busy" 'BEGIN {
      printf "%-26s %9.0f %12.0f %9.0f %9.0f %14.1f %11.2f %9.2f %7.0f%%\n", l, s, c, j, p, b, (b > 0 ? c / b : 0), (b > 0 ? (c + p) / b : 0), m }'
  done
  echo "(µs: CPU time per completed step; Credflow = the Credflow process(es), JIT = the part of it"
  echo " spent by their JIT compiler threads (high while the JIT still warms up), PG = the PostgreSQL"
  echo " backends of the benchmark's database and its WAL writer, checkpointer and background writer;"
  echo " b = the executor in-process (mode b of executor.sh) per request; machine = whole-machine CPU"
  echo " use during the window in % of one core)"
  h2="$(printf '%s\n' "${results[@]}" | grep 'label=H2' | head -n1)"
  if [[ -n "$h2" ]]; then
    awk -v s="$(bench_kv "$h2" steps_per_s)" 'BEGIN {
      printf "H2, 1 process: %.0f steps/s  (target >= 500)  %s\n", s, (s >= 500 ? "PASS" : "MISS") }'
  fi
  echo "exit status: $status"
  exit "$status"
} 2>&1 | tee "$out"
status="${PIPESTATUS[0]}"
set -e
echo "written: $out"
exit "$status"
