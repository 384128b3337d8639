# shellcheck shell=bash
# Sourced by bin/demo, bin/test and .ci/run: finds a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME, the java on PATH, then every JDK under /usr/lib/jvm (newest first).

_tcdc_java_major() { # $1 = a java executable; prints its feature version or nothing
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

tcdc_find_jdk() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${c%/}"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(_tcdc_java_major "$c/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$c"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  cat >&2 <<'MSG'
temporal-cdc needs a JDK 21 or newer (a JDK, with javac), and none was found in JAVA_HOME,
on PATH or under /usr/lib/jvm. Install one, for example:
  Debian 13 / Ubuntu 24.04:  apt-get install -y openjdk-21-jdk-headless
  any Linux:                 a Temurin 21 or 25 JDK from adoptium.net, then export JAVA_HOME=/path/to/jdk
MSG
  return 1
}
