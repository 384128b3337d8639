#!/bin/bash
# HTTP on every interface, transport on loopback only (a single node: no production bootstrap checks), the disk
# watermarks off (a laptop's disk), then every dotted environment variable as -E<name>=<value>.
set -euo pipefail
settings=(-Ehttp.host=0.0.0.0 -Etransport.host=127.0.0.1 -Ecluster.routing.allocation.disk.threshold_enabled=false)
while IFS='=' read -r name value; do
  [[ "$name" == *.* ]] && settings+=("-E$name=$value")
done < <(env)
exec /usr/share/elasticsearch/bin/elasticsearch "${settings[@]}"
