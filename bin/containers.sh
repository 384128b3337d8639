# shellcheck shell=bash
# Sourced by bin/test and bin/demo: the stack's backend (test-support's StackBackend; README, "Containers").
#   TCDC_STACK_BACKEND=auto|processes|containers   (or --backend=… on their command line; default auto)
#   TCDC_STACK_IMAGES=upstream|local               (local: compose/compose.local.yml's images, built here)
# auto runs containers when an engine answers (DOCKER_HOST, else /var/run/docker.sock), local processes otherwise.
# With containers and no engine answering, a podman on this machine is started as one (podman system service, on a
# socket under the given directory, with the settings ../shared/SERVICES.md names), and stopped at exit.

# Removes --backend=X from the arguments (into TCDC_ARGS) and exports TCDC_STACK_BACKEND.
tcdc_backend_args() {
  TCDC_ARGS=()
  local arg
  for arg in "$@"; do
    case "$arg" in
      --backend=*) TCDC_STACK_BACKEND=${arg#--backend=} ;;
      *) TCDC_ARGS+=("$arg") ;;
    esac
  done
  TCDC_STACK_BACKEND=${TCDC_STACK_BACKEND:-auto}
  case "$TCDC_STACK_BACKEND" in
    auto|processes|containers) ;;
    *) echo "unknown backend '$TCDC_STACK_BACKEND': use --backend=auto, processes or containers" >&2; return 2 ;;
  esac
  export TCDC_STACK_BACKEND
}

# Whether a container engine answers GET /_ping at $DOCKER_HOST (or /var/run/docker.sock).
tcdc_engine_answers() {
  local host=${DOCKER_HOST:-unix:///var/run/docker.sock}
  if ! command -v curl >/dev/null 2>&1; then
    command -v docker >/dev/null 2>&1 && docker version >/dev/null 2>&1
    return
  fi
  case "$host" in
    unix://*) [ -S "${host#unix://}" ] && curl -fs --max-time 3 --unix-socket "${host#unix://}" http://engine/_ping >/dev/null ;;
    tcp://*) curl -fs --max-time 3 "http://${host#tcp://}/_ping" >/dev/null ;;
    *) return 1 ;;
  esac
}

# Resolves auto and says which backend runs, on standard error: the first line of bin/test and bin/demo.
tcdc_choose_backend() {
  local why="stack.backend=$TCDC_STACK_BACKEND"
  if [ "$TCDC_STACK_BACKEND" = auto ]; then
    if tcdc_engine_answers; then
      TCDC_STACK_BACKEND=containers; why="stack.backend=auto: a container engine answers at ${DOCKER_HOST:-unix:///var/run/docker.sock}"
    else
      TCDC_STACK_BACKEND=processes; why="stack.backend=auto: no container engine answers (DOCKER_HOST, /var/run/docker.sock)"
    fi
  fi
  export TCDC_STACK_BACKEND
  echo "stack backend: $TCDC_STACK_BACKEND ($why)" >&2
}

# For containers: starts podman's service when no engine answers, and builds the local images when
# TCDC_STACK_IMAGES=local and they are missing. $1: a directory for podman's socket and logs.
tcdc_prepare_backend() {
  local dir=$1
  [ "$TCDC_STACK_BACKEND" = containers ] || return 0
  # the backend removes what it started itself (at close, at SIGTERM, and a killed run's leftovers at the next
  # start): Ryuk, whose image needs a registry and whose socket mount podman may refuse, is not needed
  export TESTCONTAINERS_RYUK_DISABLED=${TESTCONTAINERS_RYUK_DISABLED:-true}
  if ! tcdc_engine_answers; then
    command -v podman >/dev/null 2>&1 || {
      echo "--backend=containers: no container engine answers at ${DOCKER_HOST:-unix:///var/run/docker.sock}, and podman is not installed" >&2
      return 1
    }
    mkdir -p "$dir"
    # a socket URL needs an absolute path
    dir=$(cd "$dir" && pwd)
    printf '%s\n' '# written by bin/containers.sh' '[containers]' \
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]' '[engine]' 'runtime = "runc"' > "$dir/containers.conf"
    export CONTAINERS_CONF="$dir/containers.conf"
    rm -f "$dir/podman.sock"
    podman system service --time=0 "unix://$dir/podman.sock" >"$dir/podman-service.log" 2>&1 &
    TCDC_PODMAN_PID=$!
    export DOCKER_HOST="unix://$dir/podman.sock"
    local _
    for _ in $(seq 1 60); do tcdc_engine_answers && break; sleep 0.5; done
    tcdc_engine_answers || { echo "podman system service did not answer; see $dir/podman-service.log" >&2; return 1; }
    echo "Started podman's Docker-compatible service at $DOCKER_HOST (stopped at exit)" >&2
  fi
  if [ "${TCDC_STACK_IMAGES:-upstream}" = local ]; then
    local missing=false image
    local cli=podman
    command -v podman >/dev/null 2>&1 || cli=docker
    for image in postgres:15 kafka redis:7 elasticsearch schema-registry; do
      "$cli" images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -q "^localhost/temporal-cdc-local/$image" \
        || missing=true
    done
    if [ "$missing" = true ]; then
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
  fi
}
