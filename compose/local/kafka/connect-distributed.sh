#!/bin/bash
# A Kafka Connect worker in distributed mode, as apache/kafka's /opt/kafka/bin/connect-distributed.sh starts it.
exec java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} ${KAFKA_OPTS:-} \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -cp '/opt/kafka/libs/*' \
  org.apache.kafka.connect.cli.ConnectDistributed "$@"
