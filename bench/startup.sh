#!/usr/bin/env bash
# Start-up time to ready and idle memory of the packaged jar (embedded broker, shipped routes).
# Usage: bench/startup.sh [runs]   (after mvn package; uses free ports and a throw-away data directory)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
jar=target/quarkus-app/quarkus-run.jar
[ -f "$jar" ] || { echo "build first: mvn -q package -DskipTests" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
for i in $(seq 1 "$runs"); do
  data=$(mktemp -d); http=$(free_port); broker=$(free_port)
  start=$(date +%s%N)
  java -XX:+UseSerialGC -Xms32m -Xmx512m -Dquarkus.profile=dev -Dquarkus.http.port="$http" -Dcaravan.broker.port="$broker" \
    -Dcaravan.data.dir="$data" -jar "$jar" > "$data/caravan.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$http/q/health/ready" > /dev/null; do
    kill -0 "$pid" 2> /dev/null || { cat "$data/caravan.log"; exit 1; }
    sleep 0.02
  done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 10
  rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
  echo "run $i: ready in ${ready} ms, idle RSS ${rss} MiB"
  kill "$pid"; wait "$pid" || true
  rm -rf "$data"
done
