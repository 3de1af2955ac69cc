#!/usr/bin/env bash
# Credflow console benchmark: latency of the server-rendered pages at / for a signed-in user, on the
# demo data (serve --demo plus 50 credentials). Target: p99 < 50 ms per page. See bench/README.md.
#
#   bash bench/console.sh            # full run: 3 s warm-up, 10 s per page (about 3 minutes)
#   bash bench/console.sh --quick    # smoke run: 1 s warm-up, 2 s per page
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
usage: bash bench/console.sh [--quick] [--no-build]

Starts target/credflow.jar with serve --demo, adds 50 credentials through the API, signs in to the
console with curl and drives each console page with bench/LoadGen.java (the session cookie on
every request), then prints a table of the pages and their p99 against the 50 ms target.

Environment (all optional):
  BENCH_CONCURRENCY         concurrent connections (default 4)
  BENCH_WARMUP              warm-up seconds per page (default 3; --quick 1)
  BENCH_SECONDS             measured seconds per page (default 10; --quick 2)
  BENCH_STARTUP_TIMEOUT     seconds to wait for /health (default 120)
  BENCH_WAIT_IDLE           before starting the server, wait up to this many seconds for the
                            machine to be idle (< 25% of a core busy); default 0 (just warn)
  BENCH_JAR                 jar to run instead of target/credflow.jar (no build then)
  BENCH_STRICT=1            exit 1 when a page misses the target
  CREDFLOW_JAVA_OPTS        server JVM options (default: the one in ./credflow)
  BENCH_LOADGEN_OPTS        load generator JVM options
USAGE
}

# ---------------------------------------------------------------------------------------------
# Options

quick=0
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "console.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if [[ $quick -eq 1 ]]; then
  d_warmup=1 d_seconds=2
else
  d_warmup=3 d_seconds=10
fi
warmup="${BENCH_WARMUP:-$d_warmup}"
seconds="${BENCH_SECONDS:-$d_seconds}"
concurrency="${BENCH_CONCURRENCY:-4}"
startup_timeout="${BENCH_STARTUP_TIMEOUT:-120}"
wait_idle="${BENCH_WAIT_IDLE:-0}"
loadgen_opts="${BENCH_LOADGEN_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m -Xss256k}"
target_ms=50
basic_count=30
api_key_count=20

for v in warmup seconds concurrency startup_timeout wait_idle; do
  if ! [[ "${!v}" =~ ^[0-9]+$ ]]; then
    echo "console.sh: $v must be a whole number, was '${!v}'" >&2
    exit 2
  fi
done
if [[ "$seconds" -lt 1 || "$concurrency" -lt 1 ]]; then
  echo "console.sh: BENCH_SECONDS and BENCH_CONCURRENCY must be at least 1" >&2
  exit 2
fi

log() { echo "console.sh: $*" >&2; }
die() { echo "console.sh: error: $*" >&2; exit 1; }

for tool in curl awk sed; do command -v "$tool" >/dev/null 2>&1 || die "$tool is required"; done

# The admin's console password and API key: fixed, the server only lives for this run on a fresh
# data dir bound to loopback.
admin_email="admin@localhost"
admin_password="bench-console-password-0123"
api_key="benchconsolekey-0123456789abcdef" # 32 characters

# ---------------------------------------------------------------------------------------------
# Cleanup: everything started or created is registered here and undone on exit.

work="$(mktemp -d "${TMPDIR:-/tmp}/credflow-bench-console.XXXXXX")"
server_pid=""

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

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local rc=$?
  stop_server
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
# Results

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out_dir="$bench_dir/out"
mkdir -p "$out_dir"
out_file="$out_dir/console-$stamp.txt"
server_log="$work/server.log"
rows=()  # page|path|rps|p50|p99|max|requests|errors|cpu_srv|cpu_gen|cpu_oth
raw=()   # LoadGen lines
notes=() # warnings for the report
failed=() # pages that could not be measured

save_server_log() {
  cp "$server_log" "$out_dir/console-$stamp-server.log" 2>/dev/null || true
  log "server log saved as bench/out/console-$stamp-server.log"
}

# ---------------------------------------------------------------------------------------------
# Server

port="$(bench_free_port)" || exit 1
data_dir="$work/data"
mkdir -p "$data_dir"

# Only the benchmark's settings: drop any CREDFLOW_* the caller's environment has (a keyset or
# database of theirs must not be used, the server must bind to loopback).
env_args=(-u CREDFLOW_DB_URL -u CREDFLOW_DB_USER -u CREDFLOW_DB_PASSWORD -u CREDFLOW_PORT
  -u CREDFLOW_HOST -u CREDFLOW_DATA -u CREDFLOW_KEYSET -u CREDFLOW_PUBLIC_URL
  -u CREDFLOW_ALLOW_PRIVATE_NETWORK
  "CREDFLOW_ADMIN_API_KEY=$api_key" "CREDFLOW_ADMIN_PASSWORD=$admin_password"
  "CREDFLOW_RATE_LIMIT=0"
  "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}")

busy_before="$(bench_busy_pct 1)"
waited=0
while [[ "$busy_before" != "n/a" && "$busy_before" -gt 25 && $waited -lt $wait_idle ]]; do
  [[ $waited -eq 0 ]] && log "the machine is busy (${busy_before}% of a core), waiting up to ${wait_idle}s for it to calm down ..."
  sleep 4
  waited=$((waited + 5))
  busy_before="$(bench_busy_pct 1)"
done
if [[ "$busy_before" != "n/a" && "$busy_before" -gt 25 ]]; then
  log "WARNING: the machine is busy before the start (${busy_before}% of a core in use by other processes)"
  notes+=("the machine was busy before the server started (${busy_before}% of a core in use): latencies are overstated")
fi

log "starting the server (serve --demo) on port $port ..."
env "${env_args[@]}" "$java" "${server_opts[@]}" -jar "$jar" serve --demo --port "$port" \
  --data "$data_dir" >"$server_log" 2>&1 &
server_pid=$!

deadline=$(($(bench_now_ms) + startup_timeout * 1000))
while true; do
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/health" 2>/dev/null || true)"
  [[ "$code" == "200" ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    log "the server exited before /health answered 200; its log:"
    tail -n 60 "$server_log" >&2
    save_server_log
    server_pid=""
    exit 1
  fi
  if [[ "$(bench_now_ms)" -gt "$deadline" ]]; then
    log "/health did not answer 200 within ${startup_timeout}s (last status $code); log:"
    tail -n 60 "$server_log" >&2
    save_server_log
    exit 1
  fi
  sleep 0.05
done
log "ready (RSS $(bench_mem_mib "$server_pid" VmRSS) MiB)"

# The demo ids: demo.json is written after the server listens, once the demo data exists.
demo_id() { # key -> the id, or nothing
  if command -v jq >/dev/null 2>&1; then
    jq -r --arg k "$1" '.[$k] // empty' "$data_dir/demo.json" 2>/dev/null || true
  else
    tr -d '\n' <"$data_dir/demo.json" 2>/dev/null \
      | sed -n 's/.*"'"$1"'"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' | head -n 1
  fi
}
demo_ready() {
  local k
  for k in workspace component auth_client_basic auth_client_api_key auth_client_oauth2; do
    [[ -n "$(demo_id "$k")" ]] || return 1
  done
}
until demo_ready; do
  if ! kill -0 "$server_pid" 2>/dev/null || [[ "$(bench_now_ms)" -gt "$deadline" ]]; then
    log "no complete $data_dir/demo.json (the demo data was not seeded); server log:"
    tail -n 60 "$server_log" >&2
    save_server_log
    exit 1
  fi
  sleep 0.1
done
ws="$(demo_id workspace)"
component="$(demo_id component)"
ac_basic="$(demo_id auth_client_basic)"
ac_api_key="$(demo_id auth_client_api_key)"
ac_oauth2="$(demo_id auth_client_oauth2)"
for v in ws component ac_basic ac_api_key ac_oauth2; do
  [[ -n "${!v}" ]] || die "demo.json has no id for $v: $(cat "$data_dir/demo.json")"
done
log "demo: workspace=$ws component=$component auth-clients basic=$ac_basic api_key=$ac_api_key oauth2=$ac_oauth2"

# ---------------------------------------------------------------------------------------------
# Demo-sized data through the API

# new_credential NAME AUTH_CLIENT CREDENTIALS_JSON -> prints the new id (expects 201)
new_credential() {
  create "$1" "/v2/workspaces/$ws/credentials" \
    '{"data":{"type":"credential","attributes":{"name":"'"$1"'","credentials":'"$3"'},"relationships":{"auth_client":{"data":{"type":"auth-client","id":"'"$2"'"}}}}}'
}

log "creating $basic_count basic and $api_key_count api_key credentials ..."
credential=""
for n in $(seq 1 "$basic_count"); do
  id="$(new_credential "basic $n" "$ac_basic" '{"password":"pw-'"$n"'"}')" \
    || { tail -n 40 "$server_log" >&2; save_server_log; exit 1; }
  [[ -n "$credential" ]] || credential="$id"
done
for n in $(seq 1 "$api_key_count"); do
  new_credential "key $n" "$ac_api_key" '{"value":"k-'"$n"'"}' >/dev/null \
    || { tail -n 40 "$server_log" >&2; save_server_log; exit 1; }
done

# A two-step flow for the designer's pages (nothing runs it: it stays a draft).
step_json() { # id url
  printf '{"id":"%s","component":{"id":"%s"},"function":"httpRequest","credential":{"id":"%s"},"config":{"reader":{"method":"GET","url":"\\"%s\\"","headers":[{"key":"Accept","value":"\\"application/json\\""}]},"errorPolicy":"rebound","maxRetries":"3"}}' \
    "$1" "$component" "$credential" "$2"
}
flow="$(create "flow" "/v2/workspaces/$ws/flows" \
  '{"data":{"type":"flow","attributes":{"name":"Bench flow","trigger":{"type":"schedule","cron":"0 0 7 * * MON-FRI","timeZone":"Europe/Berlin"},"steps":['"$(step_json step1 https://api.example.com/orders)"','"$(step_json step2 https://api.example.com/invoices)"']}}}')" \
  || { tail -n 40 "$server_log" >&2; save_server_log; exit 1; }

# ---------------------------------------------------------------------------------------------
# Sign in as a browser would: the sign-in form sets the credflow_form cookie and carries the same
# value as _csrf; posting it with the password answers 303 with the credflow_session cookie.

status="$(curl -sS -o "$work/signin.html" -w '%{http_code}' --max-time 30 -c "$work/cookies.txt" \
  "http://127.0.0.1:$port/signin?next=/")" || status="000"
[[ "$status" == "200" ]] || die "GET /signin answered $status, expected 200"
csrf="$(tr -d '\n' <"$work/signin.html" | sed -n 's/.*name="_csrf"[[:space:]]*value="\([^"]*\)".*/\1/p' | head -n 1)"
[[ -n "$csrf" ]] || die "no _csrf field in the sign-in form"
grep -q 'credflow_form' "$work/cookies.txt" || die "GET /signin set no credflow_form cookie"

status="$(curl -sS -o "$work/signin-post.html" -D "$work/signin-headers.txt" -w '%{http_code}' \
  --max-time 30 -b "$work/cookies.txt" \
  --data-urlencode "_csrf=$csrf" --data-urlencode "email=$admin_email" \
  --data-urlencode "password=$admin_password" --data-urlencode "next=/" \
  "http://127.0.0.1:$port/signin")" || status="000"
session="$(tr -d '\r' <"$work/signin-headers.txt" \
  | sed -n 's/^[Ss][Ee][Tt]-[Cc][Oo][Oo][Kk][Ii][Ee]:[[:space:]]*credflow_session=\([^;]*\).*/\1/p' | head -n 1)"
if [[ "$status" != "303" || -z "$session" ]]; then
  log "POST /signin answered $status without a credflow_session cookie (expected 303 with one):"
  head -c 2000 "$work/signin-post.html" >&2 || true
  echo >&2
  save_server_log
  exit 1
fi
cookie="Cookie: credflow_session=$session"
log "signed in as $admin_email"
# The session's CSRF token (the pages' meta tag), which htmx sends as X-CSRF-Token.
curl -sS -o "$work/grid.html" --max-time 30 -H "$cookie" "http://127.0.0.1:$port/w/$ws/credentials" \
  || die "GET /w/$ws/credentials failed"
session_csrf="$(tr -d '\n' <"$work/grid.html" \
  | sed -n 's/.*name="csrf-token"[[:space:]]*content="\([^"]*\)".*/\1/p' | head -n 1)"
[[ -n "$session_csrf" ]] || die "no csrf-token meta tag in the credentials page"
# What the step editor sends as you type: its whole form, one JSONata field just changed.
check_body="component=$component&credential=$credential&step_name=Create+the+invoice&reader%2Fmethod=POST"
check_body+="&reader%2Furl=%22https%3A%2F%2Fapi.example.com%2Finvoices%2F%22+%26+body.id"
check_body+="&reader%2Fheaders=Accept%3A+%22application%2Fjson%22%0AX-Order%3A+%24string%28body.id%29"
check_body+="&reader%2Fbody%2FcontentType=application%2Fjson&reader%2Fbody=%7B%22order%22%3A+body.id%2C+%22n%22%3A+%7Bn%7D%7D"
check_body+="&errorPolicy=rebound&errorCodes=429%2C+500-599&maxRetries=3&maxRedirects=5"

# ---------------------------------------------------------------------------------------------
# Pages

pages=(
  "grid|/w/$ws/credentials"
  "list (50)|/w/$ws/credentials/c/$component"
  "search|/w/$ws/credentials/c/$component?q=basic%201"
  "new basic|/w/$ws/credentials/c/$component/new?type=basic"
  "new oauth2|/w/$ws/credentials/c/$component/new?type=oauth2"
  "credential|/w/$ws/credentials/$credential"
  "auth-clients|/w/$ws/auth-clients"
  "components|/w/$ws/components"
  "workspace|/w/$ws/workspace"
  "events|/w/$ws/events"
  "flows|/w/$ws/flows"
  "flow designer|/w/$ws/flows/$flow"
  "step editor|/w/$ws/flows/$flow/steps/step2/edit"
  "cron words|/w/$ws/flows/$flow/cron?cron=0+*%2F15+9-17+*+*+MON-FRI&zone=Europe%2FBerlin"
  "step check|/w/$ws/flows/$flow/steps/check|POST"
  "account keys|/account/keys"
  "signin|/signin"
)

# Each page once with curl first: a page that does not answer 200 to the session (a redirect to
# the sign-in form, an error page) is reported, not measured.
check_page() { # name path
  local status
  status="$(curl -sS -o "$work/page.html" -w '%{http_code}' --max-time 30 -H "$cookie" \
    "http://127.0.0.1:$port$2")" || status="000"
  if [[ "$status" != "200" ]]; then
    log "GET $2 ($1) answered $status, expected 200:"
    head -c 1000 "$work/page.html" >&2 || true
    echo >&2
    return 1
  fi
  if [[ "$2" != "/signin" ]] && grep -q 'action="/signin"' "$work/page.html"; then
    log "GET $2 ($1) answered the sign-in form: the session was not accepted"
    return 1
  fi
}

# How many credential pages the last checked page links to.
linked() {
  grep -o "href=\"/w/$ws/credentials/[A-Za-z0-9_-]*\"" "$work/page.html" \
    | grep -v -e '/credentials/c"' | sort -u | wc -l | tr -d ' '
}

# The list page should show every credential of the component (50: one page), the search fewer.
if check_page "list (50)" "/w/$ws/credentials/c/$component"; then
  shown="$(linked)"
  log "the list page links $shown distinct credential pages ($((basic_count + api_key_count)) created)"
  if [[ "$shown" -lt $((basic_count + api_key_count)) ]]; then
    notes+=("the list page links $shown credential pages, $((basic_count + api_key_count)) were created")
  fi
fi
if check_page "search" "/w/$ws/credentials/c/$component?q=basic%201"; then
  log "the search for 'basic 1' links $(linked) credential pages"
fi

run_loadgen() { # label path [POST]
  local args=(--port "$port" --path "$2" -c "$concurrency" -w "$warmup" -s "$seconds"
    --expect 200 --label "$1" --timeout-ms 10000 --watch-pid "$server_pid"
    -H "$cookie" -H "Accept: text/html")
  if [[ "${3:-}" == "POST" ]]; then
    args+=(-X POST -d "$check_body" -H "Content-Type: application/x-www-form-urlencoded"
      -H "X-CSRF-Token: $session_csrf" -H "HX-Request: true")
  fi
  local line
  # shellcheck disable=SC2086 # loadgen_opts is a list of JVM options
  line="$("$java" $loadgen_opts -cp "$work/loadgen" LoadGen "${args[@]}" 2>"$work/loadgen.err")" || {
    cat "$work/loadgen.err" >&2
    log "load generator failed for $1"
    [[ -n "$line" ]] || return 1
  }
  grep -v '^loadgen: \.\.\.' "$work/loadgen.err" >&2 || true
  echo "$line"
}

log "pages: c=$concurrency warm-up ${warmup}s, measure ${seconds}s each ..."
for p in "${pages[@]}"; do
  name="${p%%|*}"
  path="${p#*|}"
  method=""
  if [[ "$path" == *"|POST" ]]; then
    path="${path%|POST}"
    method="POST"
    # Once with curl: the answer must be the check's fragment (each field's message swapped in).
    status="$(curl -sS -o "$work/page.html" -w '%{http_code}' --max-time 30 -H "$cookie" \
      -H "X-CSRF-Token: $session_csrf" -H "HX-Request: true" --data "$check_body" \
      "http://127.0.0.1:$port$path")" || status="000"
    if [[ "$status" != "200" ]] || ! grep -q 'id="f-reader-url-error"' "$work/page.html"; then
      log "POST $path ($name) answered $status without the check's fragment:"
      head -c 1000 "$work/page.html" >&2 || true
      failed+=("$name|$path")
      continue
    fi
  elif ! check_page "$name" "$path"; then
    failed+=("$name|$path")
    continue
  fi
  line="$(run_loadgen "$(tr ' ' '_' <<<"$name")" "$path" "$method")" || { failed+=("$name|$path"); continue; }
  log "$name: $line"
  raw+=("$line")
  other="$(bench_kv "$line" other_cpu_pct)"
  errs="$(bench_kv "$line" errors)"
  rows+=("$name|$path|$(bench_kv "$line" rps)|$(bench_kv "$line" p50_ms)|$(bench_kv "$line" p99_ms)|$(bench_kv "$line" max_ms)|$(bench_kv "$line" requests)|$errs|$(bench_kv "$line" server_cpu_pct)|$(bench_kv "$line" loadgen_cpu_pct)|$other")
  if [[ -n "$other" && "$other" -gt 25 ]]; then
    notes+=("$name: other processes used ${other}% of a core during the measurement: the figures overstate the latency")
  fi
  if [[ -n "$errs" && "$errs" != "0" ]]; then
    notes+=("$name: $errs requests failed (unexpected status or I/O error), see the log above")
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    log "the server died during the run; log tail:"
    tail -n 40 "$server_log" >&2
    save_server_log
    break
  fi
done
rss="$(bench_mem_mib "$server_pid" VmRSS)"
hwm="$(bench_mem_mib "$server_pid" VmHWM)"

stop_server

# ---------------------------------------------------------------------------------------------
# Report

missed=0
worst_p99=""
worst_page=""
{
  echo "# Credflow console benchmark $stamp"
  echo "# commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' (+ local changes)')"
  echo "# jar $jar"
  echo "# java $JAVA_HOME ($(jdk_major "$JAVA_HOME")), server opts: ${server_opts[*]} (from $opts_source)"
  echo "# host $(nproc 2>/dev/null || echo '?') cores, $(awk '/MemTotal/ {printf "%.0f MiB", $2 / 1024}' /proc/meminfo)"
  echo "# serve --demo (H2) + $basic_count basic and $api_key_count api_key credentials; signed in as $admin_email (session cookie on every request)"
  echo "# concurrency $concurrency; warm-up ${warmup}s, measure ${seconds}s per page$([[ $quick -eq 1 ]] && echo ' (--quick)'); server RSS $rss MiB after the run, peak $hwm"
  echo
  printf '%-13s %8s %8s %8s %8s %7s %-11s %9s %7s %7s %7s  %s\n' \
    page rps p50_ms p99_ms max_ms errors "p99<${target_ms}ms" requests cpu_srv cpu_gen cpu_oth path
  for r in "${rows[@]}"; do
    IFS='|' read -r name path rps p50 p99 max reqs errs scpu gcpu ocpu <<<"$r"
    verdict="$(awk -v p="$p99" -v t="$target_ms" 'BEGIN {print (p < t) ? "yes" : "MISSED"}')"
    [[ "$verdict" == "MISSED" ]] && missed=$((missed + 1))
    if [[ -z "$worst_p99" ]] || awk -v a="$p99" -v b="$worst_p99" 'BEGIN {exit !(a > b)}'; then
      worst_p99="$p99" worst_page="$name"
    fi
    printf '%-13s %8s %8s %8s %8s %7s %-11s %9s %7s %7s %7s  %s\n' \
      "$name" "$rps" "$p50" "$p99" "$max" "$errs" "$verdict" "$reqs" \
      "${scpu:-?}%" "${gcpu:-?}%" "${ocpu:-?}%" "$path"
  done
  for f in "${failed[@]}"; do
    printf '%-13s %s  %s\n' "${f%%|*}" "FAILED (see the messages above)" "${f#*|}"
    missed=$((missed + 1))
  done
  echo "(latencies over successful requests, from writing the request to reading the whole page;"
  echo " cpu_*: CPU used during the measurement in % of one core, $(nproc 2>/dev/null || echo '?') cores in all: by the server,"
  echo " by the load generator, by everything else)"
  if [[ ${#notes[@]} -gt 0 ]]; then
    echo
    for n in "${notes[@]}"; do echo "WARNING: $n"; done
  fi
  echo
  if [[ -n "$worst_p99" ]]; then
    ratio="$(awk -v a="$worst_p99" -v b="$target_ms" 'BEGIN {printf "%.2f", a / b}')"
    printf 'Worst p99: %s ms (%s); worst p99 / %s ms = %s (target < 1)  %s\n' "$worst_p99" "$worst_page" \
      "$target_ms" "$ratio" "$(awk -v r="$ratio" 'BEGIN {print (r < 1) ? "ok" : "MISSED"}')"
  else
    echo "Worst p99: n/a (no page was measured)"
  fi
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
  log "$missed page(s) missed the target (BENCH_STRICT=1)"
  exit 1
fi
exit 0
}
