# shellcheck shell=bash
# Sourced by bin/test and bin/demo: the stack's backend (test-support's StackBackend; README, "Containers").
#   TCDC_STACK_BACKEND=auto|processes|containers   (or --backend=… on their command line; default auto)
#   TCDC_STACK_IMAGES=upstream|local               (local: compose/compose.local.yml's images, built here)
# auto runs containers when an engine answers (DOCKER_HOST, else Docker's usual sockets), local processes otherwise.
# With containers and no engine answering, a podman on this machine is started as one (podman system service, on a
# socket of its own, with runc and raised ulimits in a containers.conf next to it), and stopped at exit.

# Removes --backend=X / --backend X from the arguments (into TCDC_ARGS) and exports TCDC_STACK_BACKEND.
tcdc_backend_args() {
  TCDC_ARGS=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --backend=*) TCDC_STACK_BACKEND=${1#--backend=} ;;
      --backend)
        [ $# -ge 2 ] || { echo "--backend needs a value: auto, processes or containers" >&2; return 2; }
        TCDC_STACK_BACKEND=$2; shift ;;
      *) TCDC_ARGS+=("$1") ;;
    esac
    shift
  done
  TCDC_STACK_BACKEND=$(printf '%s' "${TCDC_STACK_BACKEND:-auto}" | tr '[:upper:]' '[:lower:]')
  case "$TCDC_STACK_BACKEND" in
    auto|processes|containers) ;;
    *) echo "unknown backend '$TCDC_STACK_BACKEND': use --backend=auto, processes or containers" >&2; return 2 ;;
  esac
  export TCDC_STACK_BACKEND
}

# Whether a container engine answers GET /_ping at $1 (unix:///path or tcp://host:port).
tcdc_pings() {
  local host=$1
  if ! command -v curl >/dev/null 2>&1; then
    command -v docker >/dev/null 2>&1 && DOCKER_HOST=$host docker version >/dev/null 2>&1
    return
  fi
  case "$host" in
    unix://*) [ -S "${host#unix://}" ] && curl -fs --max-time 3 --unix-socket "${host#unix://}" http://engine/_ping >/dev/null ;;
    tcp://*) curl -fs --max-time 3 "http://${host#tcp://}/_ping" >/dev/null ;;
    *) return 1 ;;
  esac
}

# Whether an engine answers: DOCKER_HOST, else the sockets test-support looks at too (Docker's, Docker Desktop's,
# rootless Docker's); the one found is exported as DOCKER_HOST for Testcontainers.
tcdc_engine_answers() {
  if [ -n "${DOCKER_HOST:-}" ]; then
    tcdc_pings "$DOCKER_HOST"
    return
  fi
  local socket
  for socket in /var/run/docker.sock "$HOME/.docker/run/docker.sock" "$HOME/.docker/desktop/docker.sock" \
    ${XDG_RUNTIME_DIR:+"$XDG_RUNTIME_DIR/docker.sock"}; do
    if tcdc_pings "unix://$socket"; then
      export DOCKER_HOST="unix://$socket"
      return 0
    fi
  done
  return 1
}

# Resolves auto and says which backend runs, on standard error: the first line of bin/test and bin/demo.
tcdc_choose_backend() {
  local why="stack.backend=$TCDC_STACK_BACKEND"
  if [ "$TCDC_STACK_BACKEND" = auto ]; then
    if tcdc_engine_answers; then
      TCDC_STACK_BACKEND=containers; why="stack.backend=auto: a container engine answers at $DOCKER_HOST"
    else
      TCDC_STACK_BACKEND=processes
      why="stack.backend=auto: no container engine answers (DOCKER_HOST, /var/run/docker.sock, Docker Desktop's socket)"
    fi
  fi
  export TCDC_STACK_BACKEND
  echo "stack backend: $TCDC_STACK_BACKEND ($why)" >&2
}

# For containers: starts podman's service when no engine answers, and builds the local images when
# TCDC_STACK_IMAGES=local and they are missing. $1: a directory for podman's settings, pid and log.
tcdc_prepare_backend() {
  local dir=$1
  [ "$TCDC_STACK_BACKEND" = containers ] || return 0
  # the backend removes what it started itself (at close, at SIGTERM, and a killed run's leftovers at the next
  # start): Ryuk, whose image needs a registry and whose socket mount podman may refuse, is not needed
  export TESTCONTAINERS_RYUK_DISABLED=${TESTCONTAINERS_RYUK_DISABLED:-true}
  local cli=docker
  if ! tcdc_engine_answers; then
    command -v podman >/dev/null 2>&1 || {
      echo "--backend=containers: no container engine answers at ${DOCKER_HOST:-unix:///var/run/docker.sock}, and podman is not installed" >&2
      return 1
    }
    mkdir -p "$dir"
    # a socket URL needs an absolute path
    dir=$(cd "$dir" && pwd)
    # a service a killed run left: stopped, not piled up
    if [ -f "$dir/podman-service.pid" ]; then
      local old
      old=$(cat "$dir/podman-service.pid")
      case "$(ps -o args= -p "$old" 2>/dev/null || true)" in
        *"podman system service"*) kill -TERM "$old" 2>/dev/null || true ;;
      esac
      rm -f "$dir/podman-service.pid"
    fi
    printf '%s\n' '# written by bin/containers.sh' '[containers]' \
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]' '[engine]' 'runtime = "runc"' > "$dir/containers.conf"
    export CONTAINERS_CONF="$dir/containers.conf"
    # a unix socket's path holds at most ~107 bytes
    local socket="$dir/podman.sock"
    [ ${#socket} -le 100 ] || socket="${XDG_RUNTIME_DIR:-/tmp}/tcdc-podman-$$.sock"
    rm -f "$socket"
    podman system service --time=0 "unix://$socket" >"$dir/podman-service.log" 2>&1 &
    TCDC_PODMAN_PID=$!
    echo "$TCDC_PODMAN_PID" > "$dir/podman-service.pid"
    TCDC_PODMAN_PIDFILE="$dir/podman-service.pid"
    export DOCKER_HOST="unix://$socket"
    local _
    for _ in $(seq 1 60); do tcdc_pings "$DOCKER_HOST" && break; sleep 0.5; done
    tcdc_pings "$DOCKER_HOST" || { echo "podman system service did not answer; see $dir/podman-service.log" >&2; return 1; }
    echo "Started podman's Docker-compatible service at $DOCKER_HOST (stopped at exit)" >&2
    cli=podman
  elif ! command -v docker >/dev/null 2>&1; then
    cli=podman
  fi
  if [ "${TCDC_STACK_IMAGES:-upstream}" = local ]; then
    local images missing=false image
    images=$(DOCKER_HOST=$DOCKER_HOST "$cli" images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null || true)
    for image in postgres:15 kafka redis:7 elasticsearch schema-registry; do
      case $'\n'"$images" in
        *$'\n'"localhost/temporal-cdc-local/$image"*) ;;
        *) missing=true ;;
      esac
    done
    if [ "$missing" = true ]; then
      mkdir -p "$dir"
      echo "Building the servers' local images (compose/local/build-images.sh --servers; log $dir/build-images.log) ..." >&2
      CONTAINER_ENGINE=$cli JAVA_HOME=$JAVA_HOME compose/local/build-images.sh --servers >"$dir/build-images.log" 2>&1 \
        || { tail -n 30 "$dir/build-images.log" >&2; return 1; }
    fi
  fi
}

# Stops the podman service tcdc_prepare_backend started, if any.
tcdc_stop_engine() {
  if [ -n "${TCDC_PODMAN_PID:-}" ]; then
    kill -TERM "$TCDC_PODMAN_PID" 2>/dev/null || true
    wait "$TCDC_PODMAN_PID" 2>/dev/null || true
    rm -f "${TCDC_PODMAN_PIDFILE:-}"
    TCDC_PODMAN_PID=
  fi
}
