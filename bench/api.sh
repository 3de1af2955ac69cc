#!/usr/bin/env bash
# Credflow API benchmark: startup time, GET/POST throughput and latency, resident memory, for the
# server on H2 and on PostgreSQL. See bench/README.md.
#
#   bash bench/api.sh            # full run (H2, then PostgreSQL)
#   bash bench/api.sh --quick    # smoke run, a few seconds per endpoint
#   bash bench/api.sh --db h2    # one database only (h2 | postgres | h2,postgres)
set -euo pipefail

# The whole script is one block, read completely before it runs: bash reads scripts as it goes,
# and a run takes minutes, during which the file may change (an edit, a git checkout).
{
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench_dir/.." && pwd)"
# shellcheck source=lib.sh
. "$bench_dir/lib.sh"

usage() {
  cat <<'USAGE'
usage: bash bench/api.sh [--quick] [--db h2|postgres|h2,postgres] [--no-build]

Starts target/credflow.jar once per database, measures the time to the first 200 on /health,
creates fixtures, drives load with bench/LoadGen.java and prints a table plus the targets.

Environment (all optional):
  BENCH_DBS                 databases, comma separated (default h2,postgres)
  BENCH_CONCURRENCY         concurrent connections (default 32)
  BENCH_WARMUP              warm-up seconds for both endpoints
  BENCH_SECONDS             measured seconds for both endpoints
  BENCH_GET_WARMUP, BENCH_GET_SECONDS    per endpoint (default 5 / 20; --quick 1 / 3)
  BENCH_POST_WARMUP, BENCH_POST_SECONDS  per endpoint (default 3 / 15; --quick 1 / 3)
  BENCH_STARTUP_TIMEOUT     seconds to wait for /health (default 120)
  BENCH_WAIT_IDLE           before each database, wait up to this many seconds for the machine
                            to be idle (< 25% of a core busy); default 0 (just warn)
  BENCH_JAR                 jar to run instead of target/credflow.jar (no build then)
  BENCH_STRICT=1            exit 1 when a target is missed
  BENCH_PG_HOST / BENCH_PG_PORT / BENCH_PG_USER   PostgreSQL (default 127.0.0.1 / 5432 / postgres)
  CREDFLOW_JAVA_OPTS        server JVM options (default: the one in ./credflow)
  BENCH_LOADGEN_OPTS        load generator JVM options
USAGE
}

# ---------------------------------------------------------------------------------------------
# Options

quick=0
build=1
dbs="${BENCH_DBS:-h2,postgres}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --db) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; dbs="$2"; shift ;;
    --db=*) dbs="${1#--db=}" ;;
    -h | --help) usage; exit 0 ;;
    *) echo "api.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if [[ $quick -eq 1 ]]; then
  d_get_warmup=1 d_get_seconds=3 d_post_warmup=1 d_post_seconds=3
else
  d_get_warmup=5 d_get_seconds=20 d_post_warmup=3 d_post_seconds=15
fi
get_warmup="${BENCH_GET_WARMUP:-${BENCH_WARMUP:-$d_get_warmup}}"
get_seconds="${BENCH_GET_SECONDS:-${BENCH_SECONDS:-$d_get_seconds}}"
post_warmup="${BENCH_POST_WARMUP:-${BENCH_WARMUP:-$d_post_warmup}}"
post_seconds="${BENCH_POST_SECONDS:-${BENCH_SECONDS:-$d_post_seconds}}"
concurrency="${BENCH_CONCURRENCY:-32}"
startup_timeout="${BENCH_STARTUP_TIMEOUT:-120}"
wait_idle="${BENCH_WAIT_IDLE:-0}"
pg_host="${BENCH_PG_HOST:-127.0.0.1}"
pg_port="${BENCH_PG_PORT:-5432}"
pg_user="${BENCH_PG_USER:-postgres}"
loadgen_opts="${BENCH_LOADGEN_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m -Xss256k}"
if [[ -n "${BENCH_PG_PASSWORD:-}" ]]; then export PGPASSWORD="$BENCH_PG_PASSWORD"; fi

for v in get_warmup get_seconds post_warmup post_seconds concurrency startup_timeout wait_idle pg_port; do
  if ! [[ "${!v}" =~ ^[0-9]+$ ]]; then
    echo "api.sh: $v must be a whole number, was '${!v}'" >&2
    exit 2
  fi
done

db_list=()
IFS=',' read -r -a db_list <<<"$dbs"
for db in "${db_list[@]}"; do
  case "$db" in
    h2 | postgres) ;;
    pg | postgresql) ;;
    *) echo "api.sh: unknown database '$db' (h2 | postgres)" >&2; exit 2 ;;
  esac
done

log() { echo "api.sh: $*" >&2; }
die() { echo "api.sh: error: $*" >&2; exit 1; }

for tool in curl awk; do command -v "$tool" >/dev/null 2>&1 || die "$tool is required"; done

# ---------------------------------------------------------------------------------------------
# Cleanup: everything started or created is registered here and undone on exit.

work="$(mktemp -d "${TMPDIR:-/tmp}/credflow-bench.XXXXXX")"
server_pid=""
pg_db=""

stop_server() {
  local pid="$server_pid"
  [[ -n "$pid" ]] || return 0
  server_pid=""
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local _
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "server $pid did not stop within 10 s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

psql_admin() {
  psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 -qAtX "$@"
}

drop_db() {
  local name="$pg_db"
  [[ -n "$name" ]] || return 0
  pg_db=""
  psql_admin -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null 2>&1 \
    || psql_admin -c "DROP DATABASE IF EXISTS \"$name\"" >/dev/null \
    || log "could not drop database $name"
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local rc=$?
  stop_server
  drop_db
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# JDK, jar, load generator

bench_prepare

# ---------------------------------------------------------------------------------------------
# HTTP: fixtures are made with curl through lib.sh's api, resp_id and create

port=""
api_key=""


# JSON string literal for a plain id (ids are strings in JSON:API)
q() { printf '"%s"' "$1"; }

# ---------------------------------------------------------------------------------------------
# Results

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out_dir="$bench_dir/out"
mkdir -p "$out_dir"
out_file="$out_dir/api-$stamp.txt"
rows=()    # db|endpoint|rps|p50|p99|max|requests|errors|startup_ms|rss|hwm|cpu: server|db|other|loadgen
raw=()     # LoadGen lines
summary=() # db|startup_ms|rss_after|hwm|get_rps|get_p99|rss_idle|busy_before
notes=()   # warnings for the report

# PostgreSQL processes working for the server under test (its connections, WAL writer,
# checkpointer, background writer), comma separated; empty when not on PostgreSQL.
pg_pids() {
  [[ -n "$pg_db" ]] || return 0
  psql_admin -c "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE datname = '$pg_db'
    OR backend_type IN ('walwriter', 'checkpointer', 'background writer')" 2>/dev/null || true
}

run_loadgen() { # label expect warmup seconds method path [body]
  local label="$1" expect="$2" warmup="$3" seconds="$4" method="$5" path="$6" body="${7:-}"
  local args=(--port "$port" --path "$path" -X "$method" -c "$concurrency" -w "$warmup"
    -s "$seconds" --expect "$expect" --label "$label" --timeout-ms 10000 --watch-pid "$server_pid"
    -H "Authorization: Bearer $api_key" -H "Accept: application/vnd.api+json")
  if [[ -n "$body" ]]; then
    args+=(-H "Content-Type: application/vnd.api+json" -d "$body")
  fi
  local db_pids
  db_pids="$(pg_pids)"
  if [[ -n "$db_pids" ]]; then args+=(--watch "db=$db_pids"); fi
  local line
  # shellcheck disable=SC2086 # loadgen_opts is a list of JVM options
  line="$("$java" $loadgen_opts -cp "$work/loadgen" LoadGen "${args[@]}" 2>"$work/loadgen.err")" || {
    cat "$work/loadgen.err" >&2
    log "load generator failed for $label"
    [[ -n "$line" ]] || return 1
  }
  grep -v '^loadgen: \.\.\.' "$work/loadgen.err" >&2 || true
  echo "$line"
}

fixture_fail() { # db server_log
  log "[$1] fixture creation failed; server log tail:"
  tail -n 40 "$2" >&2
  cp "$2" "$out_dir/api-$stamp-$1-server.log" 2>/dev/null || true
}

bench_db() {
  local db="$1" db_url="" data_dir server_log t0 t1 startup_ms
  port="$(bench_free_port)" || return 1
  api_key="bench-$(bench_random_hex 32)"
  data_dir="$(mktemp -d "$work/data-$db.XXXXXX")" || return 1
  server_log="$work/server-$db.log"

  # Only the benchmark's settings: drop any CREDFLOW_* the caller's environment has (a keyset or
  # database of theirs must not be used, the server must bind to loopback).
  local env_args=(-u CREDFLOW_DB_URL -u CREDFLOW_DB_USER -u CREDFLOW_DB_PASSWORD -u CREDFLOW_PORT
    -u CREDFLOW_HOST -u CREDFLOW_DATA -u CREDFLOW_KEYSET -u CREDFLOW_PUBLIC_URL
    -u CREDFLOW_ALLOW_PRIVATE_NETWORK "CREDFLOW_ADMIN_API_KEY=$api_key"
    # One key sends every request: the per-key rate limit would throttle the load itself.
    "CREDFLOW_RATE_LIMIT=0"
    "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}")
  local db_args=()
  if [[ "$db" == "postgres" ]]; then
    pg_db="credflow_bench_$(bench_random_hex 10)"
    psql_admin -c "CREATE DATABASE \"$pg_db\"" >/dev/null || die "could not create database $pg_db"
    db_url="jdbc:postgresql://$pg_host:$pg_port/$pg_db"
    env_args+=("CREDFLOW_DB_URL=$db_url" "CREDFLOW_DB_USER=$pg_user")
    if [[ -n "${BENCH_PG_PASSWORD:-}" ]]; then env_args+=("CREDFLOW_DB_PASSWORD=$BENCH_PG_PASSWORD"); fi
    db_args=(--db "$db_url")
    log "[$db] database $pg_db"
  fi

  local busy_before waited=0
  busy_before="$(bench_busy_pct 1)"
  while [[ "$busy_before" != "n/a" && "$busy_before" -gt 25 && $waited -lt $wait_idle ]]; do
    [[ $waited -eq 0 ]] && log "[$db] the machine is busy (${busy_before}% of a core), waiting up to ${wait_idle}s for it to calm down ..."
    sleep 4
    waited=$((waited + 5))
    busy_before="$(bench_busy_pct 1)"
  done
  if [[ "$busy_before" != "n/a" && "$busy_before" -gt 25 ]]; then
    log "[$db] WARNING: the machine is busy before the start (${busy_before}% of a core in use by other processes)"
    notes+=("$db: the machine was busy before the server started (${busy_before}% of a core in use): startup and load figures are unreliable")
  fi

  log "[$db] starting the server on port $port ..."
  t0="$(bench_now_ms)"
  env "${env_args[@]}" "$java" "${server_opts[@]}" -jar "$jar" serve --port "$port" --data "$data_dir" \
    "${db_args[@]}" >"$server_log" 2>&1 &
  server_pid=$!

  local code deadline=$((t0 + startup_timeout * 1000))
  while true; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/health" 2>/dev/null || true)"
    [[ "$code" == "200" ]] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
      log "[$db] the server exited before /health answered 200; its log:"
      tail -n 60 "$server_log" >&2
      cp "$server_log" "$out_dir/api-$stamp-$db-server.log" 2>/dev/null || true
      server_pid=""
      return 1
    fi
    if [[ "$(bench_now_ms)" -gt "$deadline" ]]; then
      log "[$db] /health did not answer 200 within ${startup_timeout}s (last status $code); log:"
      tail -n 60 "$server_log" >&2
      cp "$server_log" "$out_dir/api-$stamp-$db-server.log" 2>/dev/null || true
      return 1
    fi
    sleep 0.01
  done
  t1="$(bench_now_ms)"
  startup_ms=$((t1 - t0))
  local rss_idle self_ms
  rss_idle="$(bench_mem_mib "$server_pid" VmRSS)"
  # the server's own figure ("started in N ms"), which leaves out the JVM's start
  self_ms="$(sed -n 's/.*started in \([0-9][0-9]*\) ms.*/\1/p' "$server_log" | head -n 1)"
  log "[$db] ready after ${startup_ms} ms (server says ${self_ms:-?} ms; RSS $rss_idle MiB)"

  # Fixtures
  local tenant contract workspace component auth_client credential status
  tenant="$(create tenant /v2/tenants \
    '{"data":{"type":"tenant","attributes":{"name":"t1"}}}')" || { fixture_fail "$db" "$server_log"; return 1; }
  contract="$(create contract /v2/contracts \
    '{"data":{"type":"contract","attributes":{"name":"c1"},"relationships":{"tenant":{"data":{"id":'"$(q "$tenant")"',"type":"tenant"}}}}}')" \
    || { fixture_fail "$db" "$server_log"; return 1; }
  workspace="$(create workspace /v2/workspaces \
    '{"data":{"type":"workspace","attributes":{"name":"w1"},"relationships":{"contract":{"data":{"id":'"$(q "$contract")"',"type":"contract"}}}}}')" \
    || { fixture_fail "$db" "$server_log"; return 1; }
  component="$(create component /v2/components \
    '{"data":{"type":"component","attributes":{"name":"REST API V2","descriptor":{"title":"REST API V2","authClientTypes":["oauth2","basic","api_key","noauth"],"credentials":{"fields":{"auth":{"required":false,"viewClass":"HTTPAuthView"}}}}},"relationships":{"tenant":{"data":{"id":'"$(q "$tenant")"',"type":"tenant"}}}}}')" \
    || { fixture_fail "$db" "$server_log"; return 1; }
  auth_client="$(create auth-client /v2/auth-clients \
    '{"data":{"type":"auth-client","attributes":{"type":"basic","name":"Basic","credentials":{"name":"bench-user"}},"relationships":{"components":{"data":[{"id":'"$(q "$component")"',"type":"component"}]},"tenant":{"data":{"id":'"$(q "$tenant")"',"type":"tenant"}}}}}')" \
    || { fixture_fail "$db" "$server_log"; return 1; }
  credential="$(create credential "/v2/workspaces/$workspace/credentials" \
    '{"data":{"type":"credential","attributes":{"name":"bench","credentials":{"username":"u","password":"p"}},"relationships":{"auth_client":{"data":{"id":'"$(q "$auth_client")"',"type":"auth-client"}}}}}')" \
    || { fixture_fail "$db" "$server_log"; return 1; }
  status="$(api GET "/v2/workspaces/$workspace/credentials/$credential")"
  if [[ "$status" != "200" ]]; then
    log "[$db] GET /v2/workspaces/$workspace/credentials/$credential answered $status, expected 200:"
    head -c 2000 "$work/resp.json" >&2 || true
    echo >&2
    fixture_fail "$db" "$server_log"
    return 1
  fi
  log "[$db] fixtures: tenant=$tenant contract=$contract workspace=$workspace component=$component auth-client=$auth_client credential=$credential"

  # Load
  local get_line post_line rss_get hwm_get rss_post hwm_post run_id
  log "[$db] GET credential: c=$concurrency warm-up ${get_warmup}s, measure ${get_seconds}s ..."
  get_line="$(run_loadgen "$db-get" 200 "$get_warmup" "$get_seconds" GET \
    "/v2/workspaces/$workspace/credentials/$credential")" || return 1
  rss_get="$(bench_mem_mib "$server_pid" VmRSS)"
  hwm_get="$(bench_mem_mib "$server_pid" VmHWM)"
  log "[$db] $get_line"

  run_id="$(bench_random_hex 6)"
  log "[$db] POST auth-clients: c=$concurrency warm-up ${post_warmup}s, measure ${post_seconds}s ..."
  post_line="$(run_loadgen "$db-post" 201 "$post_warmup" "$post_seconds" POST /v2/auth-clients \
    '{"data":{"type":"auth-client","attributes":{"type":"basic","name":"bench-'"$run_id"'-{n}","credentials":{"name":"bench-user"}},"relationships":{"components":{"data":[{"id":'"$(q "$component")"',"type":"component"}]},"tenant":{"data":{"id":'"$(q "$tenant")"',"type":"tenant"}}}}}')" \
    || return 1
  rss_post="$(bench_mem_mib "$server_pid" VmRSS)"
  hwm_post="$(bench_mem_mib "$server_pid" VmHWM)"
  log "[$db] $post_line"

  if ! kill -0 "$server_pid" 2>/dev/null; then
    log "[$db] the server died during the run; log tail:"
    tail -n 40 "$server_log" >&2
    return 1
  fi

  local l
  for l in "GET credential|$get_line|$rss_get|$hwm_get" "POST auth-client|$post_line|$rss_post|$hwm_post"; do
    local ep line rss hwm
    IFS='|' read -r ep line rss hwm <<<"$l"
    local other errs
    other="$(bench_kv "$line" other_cpu_pct)"
    errs="$(bench_kv "$line" errors)"
    rows+=("$db|$ep|$(bench_kv "$line" rps)|$(bench_kv "$line" p50_ms)|$(bench_kv "$line" p99_ms)|$(bench_kv "$line" max_ms)|$(bench_kv "$line" requests)|$errs|$startup_ms|$rss|$hwm|$(bench_kv "$line" server_cpu_pct)|$(bench_kv "$line" db_cpu_pct)|$other|$(bench_kv "$line" loadgen_cpu_pct)")
    if [[ -n "$other" && "$other" -gt 25 ]]; then
      notes+=("$db $ep: other processes used ${other}% of a core during the measurement: the figures understate the server")
    fi
    if [[ -n "$errs" && "$errs" != "0" ]]; then
      notes+=("$db $ep: $errs requests failed (unexpected status or I/O error), see the log above")
    fi
  done
  raw+=("$get_line" "$post_line")
  summary+=("$db|$startup_ms|$rss_post|$hwm_post|$(bench_kv "$get_line" rps)|$(bench_kv "$get_line" p99_ms)|$rss_idle|$busy_before|${self_ms:-?}")

  stop_server
  drop_db
  rm -rf "$data_dir"
}

# ---------------------------------------------------------------------------------------------
# Main

if [[ ",$dbs," == *",postgres,"* || ",$dbs," == *",pg,"* || ",$dbs," == *",postgresql,"* ]]; then
  command -v psql >/dev/null 2>&1 || die "psql is required for the PostgreSQL run (or use --db h2)"
  psql_admin -c 'SELECT 1' >/dev/null 2>&1 \
    || die "cannot connect to PostgreSQL at $pg_host:$pg_port as $pg_user (or use --db h2)"
fi

failed=()
for db in "${db_list[@]}"; do
  case "$db" in pg | postgresql) db=postgres ;; esac
  if ! bench_db "$db"; then
    failed+=("$db")
    stop_server
    drop_db
  fi
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || a == "n/a") print "n/a"; else printf "%.2f", a / b}'; }
verdict() { # ratio op(lt|gt)
  awk -v r="$1" -v op="$2" 'BEGIN {if (r == "n/a") print "n/a"; else if ((op == "gt" && r > 1) || (op == "lt" && r < 1)) print "ok"; else print "MISSED"}'
}

missed=0
{
  echo "# Credflow API benchmark $stamp"
  echo "# commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' (+ local changes)')"
  echo "# jar $jar"
  echo "# java $JAVA_HOME ($(jdk_major "$JAVA_HOME")), server opts: ${server_opts[*]} (from $opts_source)"
  echo "# host $(nproc 2>/dev/null || echo '?') cores, $(awk '/MemTotal/ {printf "%.0f MiB", $2 / 1024}' /proc/meminfo)"
  echo "# concurrency $concurrency; GET warm-up ${get_warmup}s measure ${get_seconds}s; POST warm-up ${post_warmup}s measure ${post_seconds}s$([[ $quick -eq 1 ]] && echo ' (--quick)')"
  echo
  printf '%-9s %-17s %9s %8s %8s %8s %9s %7s %11s %8s %9s %7s %7s %7s %7s\n' \
    db endpoint rps p50_ms p99_ms max_ms requests errors startup_ms rss_MiB peak_MiB \
    cpu_srv cpu_pg cpu_gen cpu_oth
  for r in "${rows[@]}"; do
    IFS='|' read -r db ep rps p50 p99 max reqs errs st rss hwm scpu dcpu ocpu gcpu <<<"$r"
    printf '%-9s %-17s %9s %8s %8s %8s %9s %7s %11s %8s %9s %7s %7s %7s %7s\n' \
      "$db" "$ep" "$rps" "$p50" "$p99" "$max" "$reqs" "$errs" "$st" "$rss" "$hwm" \
      "${scpu:-?}%" "${dcpu:--}${dcpu:+%}" "${gcpu:-?}%" "${ocpu:-?}%"
  done
  for f in "${failed[@]}"; do printf '%-9s %s\n' "$f" "FAILED (see the messages above)"; done
  echo "(cpu_*: CPU used during the measurement in % of one core, $(nproc 2>/dev/null || echo '?') cores in all: by the server,"
  echo " by PostgreSQL working for it, by the load generator, by everything else)"
  if [[ ${#notes[@]} -gt 0 ]]; then
    echo
    for n in "${notes[@]}"; do echo "WARNING: $n"; done
  fi
  echo
  echo "Targets (ratio = measured / target):"
  for s in "${summary[@]}"; do
    IFS='|' read -r db st rss hwm get_rps get_p99 rss_idle _ self_ms <<<"$s"
    r1="$(ratio "$get_rps" 5000)"
    r2="$(ratio "$get_p99" 10)"
    r3="$(ratio "$st" 2000)"
    r4="$(ratio "$rss" 256)"
    v1="$(verdict "$r1" gt)"
    [[ "$db" == "h2" ]] || v1="info (target is for H2)"
    v2="$(verdict "$r2" lt)" v3="$(verdict "$r3" lt)" v4="$(verdict "$r4" lt)"
    printf '  %-9s GET rps / 5000     = %-6s (target > 1)  %s\n' "$db" "$r1" "$v1"
    printf '  %-9s GET p99 / 10 ms    = %-6s (target < 1)  %s\n' "$db" "$r2" "$v2"
    printf '  %-9s startup / 2000 ms  = %-6s (target < 1)  %s   (%s ms to the first 200 on /health; the server logs "started in %s ms")\n' "$db" "$r3" "$v3" "$st" "$self_ms"
    printf '  %-9s RSS / 256 MiB      = %-6s (target < 1)  %s   (RSS %s MiB after the run, peak %s, idle after startup %s)\n' "$db" "$r4" "$v4" "$rss" "$hwm" "$rss_idle"
    for v in "$v1" "$v2" "$v3" "$v4"; do [[ "$v" == "MISSED" ]] && missed=$((missed + 1)); done
  done
  echo
  echo "Load generator output:"
  for l in "${raw[@]}"; do echo "  $l"; done
} >"$work/report.txt"

cp "$work/report.txt" "$out_file"
cat "$work/report.txt"
echo
log "results written to ${out_file#"$root"/}"

if [[ ${#failed[@]} -gt 0 ]]; then exit 1; fi
if [[ "${BENCH_STRICT:-0}" == "1" && $missed -gt 0 ]]; then
  log "$missed target(s) missed (BENCH_STRICT=1)"
  exit 1
fi
exit 0
}
