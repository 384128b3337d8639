#!/bin/bash
# HTTP on every interface, transport on loopback only (a single node: no production bootstrap checks), the disk
# watermarks off (a laptop's disk), then every dotted environment variable as -E<name>=<value> (an environment
# variable of the same name replaces a default here, as in the official image: Elasticsearch refuses a setting given
# twice).
set -euo pipefail
declare -A settings=(
  [http.host]=0.0.0.0
  [transport.host]=127.0.0.1
  [cluster.routing.allocation.disk.threshold_enabled]=false
)
# NUL-separated: values may hold '=' or newlines
while IFS= read -r -d '' entry; do
  name=${entry%%=*}
  [[ "$name" == *.* ]] && settings[$name]=${entry#*=}
done < <(env -0)
args=()
for name in "${!settings[@]}"; do args+=("-E$name=${settings[$name]}"); done
exec /usr/share/elasticsearch/bin/elasticsearch "${args[@]}"
