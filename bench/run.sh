#!/usr/bin/env bash
# The benchmark: every scenario (a)-(j) in one run, several rounds each; prints the table and writes
# target/bench/results.{txt,json,png}. Needs wrk and nginx (Debian packages), a free 2 cores, ~10 minutes.
#   bench/run.sh            full size
#   bench/run.sh -Dcaravan.bench.rounds=3   any -D overrides the bench profile's sizes
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in /usr/bin/wrk /usr/sbin/nginx; do
  [[ -x $tool ]] || { echo "bench: $tool is missing (apt-get install wrk nginx)" >&2; exit 2; }
done
# (i) starts the packaged jar: build it first, then run the benchmark alone.
mvn -B -q package -DskipTests
# The build leaves ~120 MB of dirty pages; written out now, they cannot land in the broker journal's first fdatasync
# calls (ext4, data=ordered) during the benchmark.
sync
mvn -B test -Pbench "$@"
echo
cat target/bench/results.txt
echo "chart: target/bench/results.png, data: target/bench/results.json"
