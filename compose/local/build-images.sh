#!/usr/bin/env bash
# Builds every image of compose/compose.local.yml on this machine, with no image registry:
#   1. localhost/debian-base:12      debootstrap --variant=minbase bookworm, imported (skipped when it exists)
#   2. the binaries each image copies, staged into compose/local/*/dist/ from the project's build outputs:
#      the JDK of $JAVA_HOME (>= 21; Debian 12's JDK is 17), Kafka's broker classpath and the
#      Elasticsearch distribution (Maven Central, as test-support runs them), the schema registry
#      (schema-registry/target/quarkus-app) and the CLI (cli/target/temporal-cdc.jar)
#   3. localhost/temporal-cdc-local/base:12 and .../jre:25, then docker-compose build of both compose files
# Needs: podman (or Docker) answering on DOCKER_HOST, docker-compose, debootstrap and root for step 1, and the
# project built first (./mvnw install -DskipTests).
# Usage: compose/local/build-images.sh [--project-name NAME] [--servers]
#   --servers  only the servers' images (postgres, kafka, schema-registry, elasticsearch, redis: what test-support's
#              containers backend runs with stack.images=local); needs test-support and schema-registry built only
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
compose_args=(-f "$root/compose/compose.yml" -f "$root/compose/compose.local.yml")
services=()
servers_only=false
while [ $# -gt 0 ]; do
  case "$1" in
    --project-name)
      [ $# -ge 2 ] || { echo "build-images: --project-name needs a value" >&2; exit 2; }
      compose_args=(-p "$2" "${compose_args[@]}"); shift 2 ;;
    --servers) servers_only=true; services=(postgres kafka schema-registry elasticsearch redis); shift ;;
    *) echo "build-images: unknown argument $1 (use --project-name NAME, --servers)" >&2; exit 2 ;;
  esac
done
engine=${CONTAINER_ENGINE:-podman}
started=$SECONDS
step() { printf '[build-images %3ds] %s\n' $((SECONDS - started)) "$*"; }
fail() { echo "build-images: $*" >&2; exit 1; }

command -v "$engine" >/dev/null || fail "$engine is not installed (bin/prereqs.sh installs podman)"
command -v docker-compose >/dev/null || fail "docker-compose is not installed (bin/prereqs.sh installs it)"
[ -n "${DOCKER_HOST:-}" ] || [ "$engine" = docker ] \
  || fail "DOCKER_HOST is not set: start 'podman system service --time=0 unix://DIR/podman.sock' and export DOCKER_HOST=unix://DIR/podman.sock"
[ -x "${JAVA_HOME:-}/bin/java" ] || fail "JAVA_HOME must name a JDK >= 21 (found '${JAVA_HOME:-}')"

need() { [ -e "$1" ] || fail "$1 is missing: build the project first (./mvnw install -DskipTests)"; }
kafka_classpath=$root/test-support/target/classes/io/temporalcdc/testsupport/kafka-broker.classpath
need "$kafka_classpath"
es_home=$(ls -d "$root"/test-support/target/servers/elasticsearch-*/ 2>/dev/null | head -1)
need "${es_home:-$root/test-support/target/servers/elasticsearch-<version>}"
need "$root/schema-registry/target/quarkus-app/quarkus-run.jar"
if [ "$servers_only" = false ]; then
  need "$root/cli/target/temporal-cdc.jar"
  for app in cdc-source visibility-indexer cache-invalidator metrics-aggregator; do
    ls "$root/$app/target/$app"-*.jar >/dev/null 2>&1 || need "$root/$app/target/$app-<version>.jar"
  done
fi

# 1. the Debian base, from the mirror apt already uses
if ! "$engine" image inspect localhost/debian-base:12 >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || fail "debootstrap is not installed (bin/prereqs.sh installs it)"
  mirror=${DEBIAN_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}
  mirror=${mirror:-http://deb.debian.org/debian}
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  step "debootstrap bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | "$engine" import - localhost/debian-base:12 >/dev/null
  rm -rf "$rootfs"
fi

# 2. the binaries
step "staging the binaries into compose/local/*/dist"
rm -rf "$here"/*/dist
# the whole JDK (Elasticsearch's entitlement agent needs jdk.jlink, which jlink cannot put in a runtime image it
# links from a JDK without jmods), without its sources and headers
cp -a "$(readlink -f "$JAVA_HOME")/." "$here/jre/dist/"
rm -rf "$here/jre/dist/lib/src.zip" "$here/jre/dist/include" "$here/jre/dist/man" "$here/jre/dist/demo"
mkdir -p "$here/kafka/dist/libs" "$here/elasticsearch/dist" "$here/schema-registry/dist" "$here/cli/dist"
# one line, no newline at its end: read returns 1 at that end, after filling the array
IFS=: read -ra jars < "$kafka_classpath" || true
for jar in "${jars[@]}"; do cp "$jar" "$here/kafka/dist/libs/"; done
cp -a "$es_home" "$here/elasticsearch/dist/elasticsearch"
cp -a "$root/schema-registry/target/quarkus-app" "$here/schema-registry/dist/quarkus-app"
[ "$servers_only" = true ] || cp "$root/cli/target/temporal-cdc.jar" "$here/cli/dist/temporal-cdc.jar"

# 3. the images
step "building localhost/temporal-cdc-local/base:12 and jre:25"
"$engine" build -q -t localhost/temporal-cdc-local/base:12 "$here/base" >/dev/null
"$engine" build -q -t localhost/temporal-cdc-local/jre:25 "$here/jre" >/dev/null
step "docker-compose build ${services[*]:-(every service)}"
COMPOSE_DOCKER_CLI_BUILD=0 docker-compose "${compose_args[@]}" build -q ${services[@]+"${services[@]}"}
step "done"
