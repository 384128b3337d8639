#!/bin/sh
# Registers cdc-source/connect/temporal-postgres-connector.json (mounted at /connector.json) with the worker,
# pointed at compose's services: database.hostname postgres, user postgres, the password of .env (given here as
# POSTGRES_PASSWORD, written into the connector's configuration: use the worker's FileConfigProvider outside a
# laptop), the registry's Confluent-compatible API. 201 (created) succeeds, and 409 when the connector is already
# there (409 also means "rebalancing": then it retries). The password must not hold '"', '\' or '/'.
set -eu
config=$(sed \
  -e 's/"database.hostname": "[^"]*"/"database.hostname": "postgres"/' \
  -e 's/"database.user": "[^"]*"/"database.user": "postgres"/' \
  -e "s/\"database.password\": \"[^\"]*\"/\"database.password\": \"$POSTGRES_PASSWORD\"/" \
  -e 's#"key.converter.schema.registry.url": "[^"]*"#"key.converter.schema.registry.url": "http://schema-registry:8080/apis/ccompat/v7"#' \
  -e 's#"value.converter.schema.registry.url": "[^"]*"#"value.converter.schema.registry.url": "http://schema-registry:8080/apis/ccompat/v7"#' \
  /connector.json)
for attempt in $(seq 1 60); do
  code=$(printf '%s' "$config" | curl -s -o /tmp/reply -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary @- http://kafka-connect:8083/connectors || true)
  case "$code" in
    201) echo "connector temporal-postgres registered"; exit 0 ;;
    409)
      # already there, or the worker is rebalancing: only an answer for the connector itself says which
      if [ "$(curl -s -o /dev/null -w '%{http_code}' http://kafka-connect:8083/connectors/temporal-postgres)" = 200 ]; then
        echo "connector temporal-postgres already registered"; exit 0
      fi
      echo "worker answered 409 (rebalancing); retrying"; sleep 2 ;;
    *) echo "worker answered ${code:-nothing}: $(cat /tmp/reply 2>/dev/null); retrying"; sleep 2 ;;
  esac
done
echo "the worker did not accept the connector" >&2
exit 1
