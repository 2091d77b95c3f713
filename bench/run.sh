#!/usr/bin/env bash
# Builds and runs Konvert's benchmarks and prints each one as a ratio to the
# baseline measured in the same run (see bench/CMakeLists.txt).
# The mailbox benchmark (initial sync and page latency against a real
# Dovecot) needs a mail stack and runs on its own: scripts/bench-mailbox.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-bench}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DKONVERT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target konvert_bench_api konvert_bench_model >/dev/null

out=$(mktemp -d)
for program in konvert_bench_api konvert_bench_model; do
  "$build/bench/$program" --benchmark_format=json --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true >"$out/$program.json"
done
python3 - "$out"/*.json <<'PY'
import json, sys
runs = [b for f in sys.argv[1:] for b in json.load(open(f))["benchmarks"]
        if b["aggregate_name"] == "median"]
to_ns = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}
by_name = {b["run_name"]: b["real_time"] * to_ns[b["time_unit"]] for b in runs}
pairs = {"DispatchEcho": "BaselineParseAndWrite", "OpenToken": "BaselineSha256OfToken"}
pairs.update({name: "BaselineSortReceivedAt" for name in [
    "QueryInboxFirstPage", "QueryInboxThreads", "QueryInboxByAnchor", "QueryAllSorted",
    "QueryBySubjectFirstPage", "QueryAllBySubject", "QueryFlaggedThreads"]})
for name, t in by_name.items():
    base_name = name.split("/")[0]
    if base_name not in pairs:
        continue
    baseline = name.replace(base_name, pairs[base_name])
    ratio = t / by_name[baseline] if baseline in by_name else float("nan")
    print(f"{name:28} {t/1000:10.2f} us  {ratio:6.1f}x {baseline}")
PY
rm -rf "$out"
