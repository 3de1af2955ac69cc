# shellcheck shell=bash
# The JDK that Credflow's scripts use, found in one place: sourced (not run) by ./credflow and by
# bench/lib.sh and bench/refresh.sh. The rule:
#   1. JAVA_HOME, when it is a JDK 21 or newer;
#   2. else the newest JDK 21 or newer among /usr/lib/jvm/* and the one whose javac is on the PATH;
#   3. else a message that says what was found and what to do, and failure.

CREDFLOW_MIN_JAVA=21

# Major version (17, 21, 25, ...) of the JDK or JRE at $1, or nothing when it cannot tell. Reads the
# `release` file every JDK ships (no JVM start); asks the JVM itself only when that file is missing.
jdk_major() {
  local home="$1" v=""
  if [[ -r "$home/release" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release" 2>/dev/null | head -n 1)"
  fi
  if [[ -z "$v" && -x "$home/bin/java" ]]; then
    v="$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)"
  fi
  v="${v#1.}" # 1.8.0_x -> 8.0_x
  v="${v%%[!0-9]*}"
  [[ -n "$v" ]] && echo "$v"
  return 0
}

# Prints the home of the JDK to use (see the rule above), or explains on stderr and returns 1.
# $1: the name to start messages with (default "credflow").
find_jdk() {
  local who="${1:-credflow}" best="" best_major=0 home m javac_path
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]]; then
    m="$(jdk_major "$JAVA_HOME")"
    if [[ -n "$m" && "$m" -ge "$CREDFLOW_MIN_JAVA" ]]; then
      echo "$JAVA_HOME"
      return 0
    fi
  fi
  # JDK homes, each once (/usr/lib/jvm has symbolic links to its JDKs under other names).
  local candidates=() seen=" "
  javac_path="$(command -v javac 2>/dev/null || true)"
  for home in /usr/lib/jvm/*/ ${javac_path:+"$(dirname "$(readlink -f "$javac_path")")/.."}; do
    [[ -x "$home/bin/javac" ]] || continue
    home="$(cd "$home" && pwd -P)"
    [[ "$seen" == *" $home "* ]] && continue
    seen+="$home "
    candidates+=("$home")
  done
  for home in "${candidates[@]}"; do
    m="$(jdk_major "$home")"
    if [[ -n "$m" && "$m" -ge "$CREDFLOW_MIN_JAVA" && "$m" -gt "$best_major" ]]; then
      best="$home"
      best_major="$m"
    fi
  done
  if [[ -n "$best" ]]; then
    echo "$best"
    return 0
  fi
  {
    echo "$who: no JDK $CREDFLOW_MIN_JAVA or newer found."
    if [[ -n "${JAVA_HOME:-}" ]]; then
      m="$(jdk_major "$JAVA_HOME")"
      if [[ ! -x "$JAVA_HOME/bin/javac" ]]; then
        echo "$who:   JAVA_HOME=$JAVA_HOME is not a JDK (no bin/javac)."
      else
        echo "$who:   JAVA_HOME=$JAVA_HOME is Java ${m:-of unknown version}."
      fi
    else
      echo "$who:   JAVA_HOME is not set."
    fi
    for home in "${candidates[@]}"; do
      echo "$who:   $home is Java $(jdk_major "$home")."
    done
    echo "$who: install a JDK $CREDFLOW_MIN_JAVA or newer (e.g. Eclipse Temurin), or point JAVA_HOME at one."
  } >&2
  return 1
}
