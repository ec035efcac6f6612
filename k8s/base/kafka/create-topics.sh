#!/usr/bin/env bash
# Creates the topics of libs/events on KAFKA_BROKERS once Kafka answers: HOMESTORE_TOPICS (space-separated;
# deploy/test checks it against ALL_TOPICS), each with KAFKA_PARTITIONS partitions and KAFKA_REPLICATION_FACTOR
# replicas. Runs in the apache/kafka image: the topic-creation Job on Kubernetes, kafka-init in docker compose.
#
# Idempotent. A topic that exists is left as it is, because adding partitions later moves keys between
# partitions and breaks per-order ordering; one whose partition count differs is reported as a warning.
set -euo pipefail
: "${KAFKA_BROKERS:?}" "${HOMESTORE_TOPICS:?}" "${KAFKA_PARTITIONS:?}" "${KAFKA_REPLICATION_FACTOR:?}"
bin="${KAFKA_HOME:-/opt/kafka}/bin"
# The tools write their logs under LOG_DIR; /tmp stays writable on a read-only root filesystem.
export LOG_DIR="${LOG_DIR:-/tmp/kafka-logs}"

deadline=$((SECONDS + ${KAFKA_WAIT_SECONDS:-300}))
until "$bin/kafka-broker-api-versions.sh" --bootstrap-server "$KAFKA_BROKERS" >/dev/null 2>&1; do
  if ((SECONDS >= deadline)); then
    echo "Kafka at $KAFKA_BROKERS did not answer within ${KAFKA_WAIT_SECONDS:-300}s" >&2
    exit 1
  fi
  echo "waiting for Kafka at $KAFKA_BROKERS..."
  sleep 5
done

for topic in $HOMESTORE_TOPICS; do
  "$bin/kafka-topics.sh" --bootstrap-server "$KAFKA_BROKERS" --create --if-not-exists --topic "$topic" \
    --partitions "$KAFKA_PARTITIONS" --replication-factor "$KAFKA_REPLICATION_FACTOR"
done

described="$("$bin/kafka-topics.sh" --bootstrap-server "$KAFKA_BROKERS" --describe --exclude-internal)"
for topic in $HOMESTORE_TOPICS; do
  count="$(printf '%s\n' "$described" | awk -v t="$topic" '$1 == "Topic:" && $2 == t { for (i = 1; i < NF; i++) if ($i == "PartitionCount:") print $(i + 1) }')"
  if [[ "$count" != "$KAFKA_PARTITIONS" ]]; then
    echo "warning: topic $topic has ${count:-no} partitions, not KAFKA_PARTITIONS=$KAFKA_PARTITIONS; left as it is" >&2
  fi
done
echo "topics ready: $HOMESTORE_TOPICS"
