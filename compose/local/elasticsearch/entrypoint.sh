#!/bin/bash
# HTTP on every interface, transport on loopback only (a single node: no production bootstrap checks), the disk
# watermarks off (a laptop's disk), then every dotted environment variable as -E<name>=<value>.
set -euo pipefail
settings=(-Ehttp.host=0.0.0.0 -Etransport.host=127.0.0.1 -Ecluster.routing.allocation.disk.threshold_enabled=false)
# NUL-separated: values may hold '=' or newlines
while IFS= read -r -d '' entry; do
  name=${entry%%=*}
  [[ "$name" == *.* ]] && settings+=("-E$entry")
done < <(env -0)
exec /usr/share/elasticsearch/bin/elasticsearch "${settings[@]}"
