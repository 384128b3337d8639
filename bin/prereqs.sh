# shellcheck shell=bash
# Sourced by bin/demo, bin/test and .ci/run: installs the Debian packages the local stack needs when they
# are missing (PostgreSQL >= 15 and Redis 7; util-linux for setpriv; prometheus for promtool; docker-compose, podman,
# runc, the dnsname CNI plugin and debootstrap for the compose stack). Kafka and Elasticsearch come
# from Maven Central during the build; the JDK is found by bin/java-env.sh.
# With TCDC_STACK_BACKEND=containers (bin/containers.sh) PostgreSQL and Redis run in containers: they are not
# installed, and without root or sudo the missing tools are only named (the checks that need them are skipped).
tcdc_install_prereqs() {
  local need=()
  local containers=false
  [ "${TCDC_STACK_BACKEND:-processes}" = containers ] && containers=true
  if [ "$containers" = false ]; then
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql postgresql-contrib)
    command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  fi
  command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  # promtool, which checks compose/prometheus/ in the tests (the package's server is not started)
  command -v promtool >/dev/null 2>&1 || need+=(prometheus)
  # docker-compose, which checks compose/compose.yml in the tests (no container engine needed for that)
  command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
  # podman and what the compose stack test needs with it (demo/ComposeStackIT, ../compose/README.md): runc (crun
  # refuses hybrid cgroups), CNI's dnsname plugin (service names resolve inside a compose network), debootstrap
  # (the local images' Debian base)
  command -v podman >/dev/null 2>&1 || need+=(podman)
  command -v runc >/dev/null 2>&1 || need+=(runc)
  [ -x /usr/lib/cni/dnsname ] || need+=(golang-github-containernetworking-plugin-dnsname)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
  [ ${#need[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$containers" = true ] && { ! command -v apt-get >/dev/null 2>&1 \
    || { [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; }; }; then
    echo "Not installed (no root, sudo or apt-get here): ${need[*]}. The containers backend runs without them; the" \
      "checks that need them (promtool, docker-compose, podman's compose stack) are skipped." >&2
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "temporal-cdc needs these Debian packages and cannot install them without root or passwordless sudo: ${need[*]}" >&2
      return 1
    fi
  fi
  echo "Installing missing packages: ${need[*]}" >&2
  $sudo apt-get update -qq >&2 || return 1
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 || return 1
  # only promtool is wanted: where systemd started the package's server, stop it again
  if [[ " ${need[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null 2>&1 \
    && systemctl is-active --quiet prometheus 2>/dev/null; then
    $sudo systemctl disable --now prometheus >&2 || true
  fi
}
