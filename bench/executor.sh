#!/usr/bin/env bash
# The request-executor benchmark: one local upstream (bench/BenchUpstream.java, its own JVM) and one
# measured JVM (bench/ExecutorBench.java) that calls it in four modes, one after the other: a1 bare
# java.net.http.HttpClient, a2 bare Jetty HttpClient, b the executor in-process with an OAuth2
# credential, c through POST /v2/workspaces/{ws}/requests. Prints req/s, p50/p99, CPU per request,
# the ratios b/a and c/a and the targets; the output is kept in bench/out/executor-<UTC time>.txt.
#
#   bash bench/executor.sh            # 20,000 warm-up + 200,000 measured requests per mode
#   bash bench/executor.sh --quick    # 2,000 + 20,000: a smoke run, not for figures
#
# Environment: BENCH_REQUESTS, BENCH_WARMUP, BENCH_CALLERS (64), BENCH_MODES (a1,a2,b,c),
# BENCH_UPSTREAM (jetty | jdk, default jetty), CREDFLOW_JAVA_OPTS, JAVA_HOME.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

requests=200000
warmup=20000
for arg in "$@"; do
  case "$arg" in
    --quick) requests=20000; warmup=2000 ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "executor.sh: unknown argument $arg (use --quick)" >&2; exit 2 ;;
  esac
done
requests="${BENCH_REQUESTS:-$requests}"
warmup="${BENCH_WARMUP:-$warmup}"
callers="${BENCH_CALLERS:-64}"
upstream_impl="${BENCH_UPSTREAM:-jetty}"

jdk="$(find_jdk bench)" || exit 1
export JAVA_HOME="$jdk"
if bench_needs_build "$root"; then ./credflow build >/dev/null; fi
jar="$root/target/credflow.jar"

# The two bench classes, compiled against the jar beforehand (the source launcher would run javac
# inside the measured JVM, in its 128 MiB heap).
classes="$(mktemp -d "${TMPDIR:-/tmp}/credflow-bench-classes.XXXXXX")"
"$jdk/bin/javac" -nowarn --release 21 -cp "$jar" -d "$classes" \
  bench/BenchUpstream.java bench/ExecutorBench.java
bench_jar="$root/target/bench-executor.jar"
"$jdk/bin/jar" --create --file "$bench_jar" -C "$classes" .
rm -rf "$classes"

# The launcher's JVM options, for both JVMs, without its class-data archive
# (-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=target/credflow.jsa) or its ahead-of-time
# cache (-XX:AOTCache=target/credflow-jdk25.aot, trained on a start, whose method profiles would
# steer the JIT for a workload it did not see): the archive only
# shortens class loading at startup, is tied to the class path (which here also holds the bench
# jar, so the JVM would rewrite it at every exit and print warnings into the report), and must not
# overwrite the launcher's own archive.
mapfile -t raw < <(bench_server_java_opts "$root" "$jdk")
opts_source="${raw[-1]#\#}"
unset 'raw[-1]'
java_opts=()
dropped=()
for o in "${raw[@]}"; do
  case "$o" in
    -XX:SharedArchiveFile=* | -XX:+AutoCreateSharedArchive | -XX:AOTCache=*) dropped+=("$o") ;;
    *) java_opts+=("$o") ;;
  esac
done
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

mkdir -p bench/out
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="bench/out/executor-$stamp.txt"
upstream_log="bench/out/executor-$stamp-upstream.log"

upstream_pid=""
cleanup() {
  if [[ -n "$upstream_pid" ]] && kill -0 "$upstream_pid" 2>/dev/null; then
    kill "$upstream_pid" 2>/dev/null || true
    wait "$upstream_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$jdk/bin/java" "${java_opts[@]}" -cp "$jar:$bench_jar" BenchUpstream "$upstream_impl" \
  >"$upstream_log" 2>&1 &
upstream_pid=$!
port=""
for _ in $(seq 1 300); do
  port="$(sed -n 's/^port=\([0-9]*\).*/\1/p' "$upstream_log" | head -n1)"
  [[ -n "$port" ]] && break
  kill -0 "$upstream_pid" 2>/dev/null || { echo "executor.sh: the upstream did not start:" >&2; cat "$upstream_log" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$port" ]] || { echo "executor.sh: the upstream printed no port in 30 s" >&2; exit 1; }

set +e
{
  echo "executor benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -srm), $(nproc) cores"
  echo "command:  bash bench/executor.sh $*"
  echo "before the run: load $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min), machine CPU busy $(bench_busy_pct 2) % of one core (2 s sample)"
  echo "JVM options ($opts_source): ${java_opts[*]} -cp target/credflow.jar:target/bench-executor.jar"
  if [[ ${#dropped[@]} -gt 0 ]]; then echo "left out (class-data archive, startup only): ${dropped[*]}"; fi
  echo "upstream: BenchUpstream $upstream_impl on 127.0.0.1:$port, pid $upstream_pid, same JVM options"
  set +e
  BENCH_UPSTREAM_PORT="$port" BENCH_UPSTREAM_PID="$upstream_pid" BENCH_REQUESTS="$requests" \
    BENCH_WARMUP="$warmup" BENCH_CALLERS="$callers" \
    "$jdk/bin/java" "${java_opts[@]}" -cp "$jar:$bench_jar" ExecutorBench 2>&1
  status=$?
  set -e
  # Stop the upstream (it prints what it answered when it exits) and wait until it has.
  kill "$upstream_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$upstream_pid" 2>/dev/null || break; sleep 0.1; done
  grep '^upstream:' "$upstream_log" || true
  echo "exit status: $status"
  exit "$status"
} 2>&1 | tee "$out"
status="${PIPESTATUS[0]}"
set -e
echo "written: $out"
exit "$status"
