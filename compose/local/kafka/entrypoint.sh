#!/bin/bash
# KAFKA_<NAME>=value → <name>=value (lower case, "_" → "."), as the apache/kafka image reads its environment;
# KAFKA_HEAP_OPTS and KAFKA_OPTS are JVM options, CLUSTER_ID names the cluster on first format.
set -euo pipefail
props=/opt/kafka/config/server.properties
: > "$props"
# NUL-separated: values may hold '=' or newlines
while IFS= read -r -d '' entry; do
  name=${entry%%=*}; value=${entry#*=}
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_OPTS) ;;
    KAFKA_*) key=${name#KAFKA_}; key=${key,,}; printf '%s=%s\n' "${key//_/.}" "${value//$'\n'/ }" >> "$props" ;;
  esac
done < <(env -0)
logdirs=$(sed -n 's/^log\.dirs=//p' "$props")
logdirs=${logdirs:-/tmp/kafka-logs}
java=(java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} ${KAFKA_OPTS:-} -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -cp '/opt/kafka/libs/*')
if [ ! -f "${logdirs%%,*}/meta.properties" ]; then
  "${java[@]}" kafka.tools.StorageTool format --ignore-formatted -t "${CLUSTER_ID:-$("${java[@]}" kafka.tools.StorageTool random-uuid)}" -c "$props"
fi
exec "${java[@]}" kafka.Kafka "$props"
