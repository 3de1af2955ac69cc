# shellcheck shell=bash
# Shared helpers for the bench scripts (sourced, not run). The JDK comes from the same place as
# ./credflow's: scripts/find-jdk.sh (find_jdk, jdk_major).

# shellcheck source=../scripts/find-jdk.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/scripts/find-jdk.sh"

# The server's JVM options, one per line, exactly as ./credflow would pass them:
#   - $CREDFLOW_JAVA_OPTS when set (split on blanks, as the launcher does);
#   - else asked from the launcher itself: it is run (`./credflow serve`) with JAVA_HOME pointing at
#     a shim JDK whose `java` records its arguments instead of starting anything, so the options
#     follow whatever rules the launcher has (e.g. per JDK version). Only when the jar is up to
#     date, since the launcher would otherwise try to build it;
#   - else a copy of the launcher's default.
# The last line says which: "#from SOURCE".
# $1: repo root, $2: the JDK home the benchmark runs the server with.
bench_server_java_opts() {
  local root="$1" jdk="$2" shim opts=() a
  if [[ -n "${CREDFLOW_JAVA_OPTS:-}" ]]; then
    read -r -a opts <<<"$CREDFLOW_JAVA_OPTS"
    printf '%s\n' "${opts[@]}" "#from CREDFLOW_JAVA_OPTS"
    return 0
  fi
  if [[ -x "$root/credflow" ]] && ! bench_needs_build "$root"; then
    shim="$(mktemp -d "${TMPDIR:-/tmp}/credflow-bench-shim.XXXXXX")"
    mkdir -p "$shim/bin"
    ln -s "$jdk/bin/javac" "$shim/bin/javac"
    if [[ -f "$jdk/release" ]]; then ln -s "$jdk/release" "$shim/release"; fi
    cat >"$shim/bin/java" <<'SHIM'
#!/usr/bin/env bash
# Records the launcher's java arguments; version queries go to the real java.
for a in "$@"; do
  case "$a" in -XshowSettings* | -version | --version) exec "$BENCH_REAL_JAVA" "$@" ;; esac
done
printf '%s\0' "$@" >"$BENCH_SHIM_OUT"
SHIM
    chmod +x "$shim/bin/java"
    if JAVA_HOME="$shim" BENCH_REAL_JAVA="$jdk/bin/java" BENCH_SHIM_OUT="$shim/args" \
      "$root/credflow" serve >/dev/null 2>&1 && [[ -s "$shim/args" ]]; then
      while IFS= read -r -d '' a; do
        [[ "$a" == "-jar" ]] && break
        opts+=("$a")
      done <"$shim/args"
      rm -rf "$shim"
      if [[ ${#opts[@]} -gt 0 ]]; then printf '%s\n' "${opts[@]}"; fi
      echo "#from ./credflow"
      return 0
    fi
    rm -rf "$shim"
  fi
  # A copy of the launcher's default (keep in step with ./credflow).
  opts=(-Xss512k -XX:+UseSerialGC -Xms32m -Xmx128m -XX:ReservedCodeCacheSize=48m
    -XX:MaxMetaspaceSize=128m)
  if [[ "$(jdk_major "$jdk")" -ge 23 ]]; then opts+=(--sun-misc-unsafe-memory-access=allow); fi
  printf '%s\n' "${opts[@]}" "#from bench/lib.sh (a copy of the launcher's default)"
}

# Same rule as ./credflow: the jar is missing or older than the sources / pom.
bench_needs_build() {
  local root="$1" jar="$1/target/credflow.jar"
  [[ ! -f "$jar" ]] && return 0
  [[ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]]
}

# Milliseconds since the epoch, without forking when bash has EPOCHREALTIME.
bench_now_ms() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    local t="${EPOCHREALTIME//[!0-9]/}" # microseconds (the separator depends on the locale)
    echo $((t / 1000))
  else
    echo $(($(date +%s%N) / 1000000))
  fi
}

# A TCP port nobody listens on (best effort: another process may take it before the server).
bench_free_port() {
  local p _
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if command -v ss >/dev/null 2>&1 && [[ -n "$(ss -Htan "sport = :$p" 2>/dev/null)" ]]; then
      continue
    fi
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "bench: no free port found" >&2
  return 1
}

# VmRSS / VmHWM of a process in MiB (one decimal), or "n/a".
bench_mem_mib() {
  local pid="$1" field="$2" kb
  kb="$(awk -v f="$field:" '$1 == f {print $2; exit}' "/proc/$pid/status" 2>/dev/null || true)"
  if [[ -z "$kb" ]]; then echo "n/a"; return 0; fi
  awk -v kb="$kb" 'BEGIN {printf "%.1f\n", kb / 1024}'
}

# Value of key in a "k=v k=v" line.
bench_kv() {
  local line="$1" key="$2"
  awk -v k="$key" '{for (i = 1; i <= NF; i++) {n = index($i, "="); if (substr($i, 1, n - 1) == k) {print substr($i, n + 1); exit}}}' <<<"$line"
}

# Random lowercase hex string of $1 characters.
bench_random_hex() {
  local n="$1"
  od -An -N"$n" -tx1 /dev/urandom | tr -d ' \n' | cut -c1-"$n"
}

# CPU use of the whole machine over $1 seconds, in % of one core (0..100*cores), or "n/a".
bench_busy_pct() {
  local secs="${1:-1}" a b
  [[ -r /proc/stat ]] || { echo "n/a"; return 0; }
  a="$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat)"
  sleep "$secs"
  b="$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat)"
  awk -v a="$a" -v b="$b" -v n="$(grep -c '^cpu[0-9]' /proc/stat)" 'BEGIN {
    split(a, x, " "); split(b, y, " ");
    if (y[2] <= x[2]) {print "n/a"; exit}
    printf "%.0f\n", 100 * n * (y[1] - x[1]) / (y[2] - x[2]) }'
}

# What every server benchmark needs before it starts a server, for a script that defined root,
# bench_dir, build (0 or 1), work (a scratch directory) and log/die: sets JAVA_HOME (exported),
# java, jar (target/credflow.jar, built when older than the sources unless build=0, or BENCH_JAR),
# server_opts (the server's JVM options, as ./credflow would pass them) and opts_source (where
# they came from), and compiles LoadGen.java into $work/loadgen.
bench_prepare() {
  JAVA_HOME="$(find_jdk bench)" || exit 1
  export JAVA_HOME
  java="$JAVA_HOME/bin/java"
  if [[ -n "${BENCH_JAR:-}" ]]; then
    jar="$BENCH_JAR"
  else
    jar="$root/target/credflow.jar"
    if [[ $build -eq 1 ]] && bench_needs_build "$root"; then
      log "building the jar (./credflow build) ..."
      (cd "$root" && ./credflow build) || die "./credflow build failed"
    fi
  fi
  [[ -f "$jar" ]] || die "no jar at $jar (build it with ./credflow build)"
  server_opts=()
  mapfile -t server_opts < <(bench_server_java_opts "$root" "$JAVA_HOME")
  opts_source="${server_opts[-1]#\#from }"
  unset 'server_opts[-1]'
  log "server JVM options (from $opts_source): ${server_opts[*]}"
  log "compiling bench/LoadGen.java ..."
  "$JAVA_HOME/bin/javac" -d "$work/loadgen" "$bench_dir/LoadGen.java" \
    || die "LoadGen.java does not compile"
}

# The API calls a benchmark makes to set up its fixtures, for a script that defined work, port,
# api_key and log: each answer's body is left in $work/resp.json.
# api METHOD PATH [BODY] -> prints "STATUS" and leaves the body in $work/resp.json
api() {
  local method="$1" path="$2" body="${3:-}"
  local args=(-sS -o "$work/resp.json" -w '%{http_code}' --max-time 30 -X "$method"
    -H "Authorization: Bearer $api_key" -H "Accept: application/vnd.api+json")
  if [[ -n "$body" ]]; then
    args+=(-H "Content-Type: application/vnd.api+json" --data-binary "$body")
  fi
  curl "${args[@]}" "http://127.0.0.1:$port$path" || echo "000"
}

# The top-level data.id of $work/resp.json.
resp_id() {
  if command -v jq >/dev/null 2>&1; then
    jq -r '.data.id // empty' "$work/resp.json" 2>/dev/null || true
  else
    # without jq: the first "id" after "data":{ (servers write id before the nested objects)
    tr -d '\n' <"$work/resp.json" \
      | sed -n 's/.*"data"[[:space:]]*:[[:space:]]*{[^{}]*"id"[[:space:]]*:[[:space:]]*"\{0,1\}\([^",}]*\).*/\1/p' \
      | head -n 1
  fi
}

# create NAME PATH BODY -> prints the new id (expects 201)
create() {
  local what="$1" path="$2" body="$3" status id
  status="$(api POST "$path" "$body")"
  if [[ "$status" != "201" ]]; then
    log "POST $path ($what) answered $status, expected 201; body:"
    head -c 2000 "$work/resp.json" >&2 2>/dev/null || true
    echo >&2
    return 1
  fi
  id="$(resp_id)"
  if [[ -z "$id" || "$id" == "null" ]]; then
    log "POST $path ($what): no data.id in the response:"
    head -c 2000 "$work/resp.json" >&2 || true
    echo >&2
    return 1
  fi
  echo "$id"
}
