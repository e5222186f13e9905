#!/usr/bin/env bash
# make bench-10m: 10,000,000 realistic findings (about 21 GB) end to end on
# this machine, each engine as a whole process on the file.
#
#   1. checks there is room for the dataset when it is not cached;
#   2. runs `aegisbench bench --sizes 10000000 --only hyperfine` with the go
#      and rust-cli engines, one timed run each: bench generates the dataset
#      (realistic-10000000-s1-g2, an on-demand entry of datasets/manifest.json,
#      never committed) when missing and verifies its sha256, hyperfine
#      measures the wall time and peak RSS of each process, the --timings arm
#      its stages, and the results record each engine's output digest;
#   3. fails unless the engines wrote the same document;
#   4. leaves $OUT/results-10m.txt, which the make target copies beside the
#      scale ladder's results and renders with them.
#
# rust-ffi is not run: on a file it hands the path to libaegispath, which
# reads it with the same code as aegispath (rust-cli), inside a Go process.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-out}
N=10000000
NAME=realistic-$N-s1-g2
BIN=bin/aegisbench
mkdir -p "$OUT"

cache=${AEGISBENCH_CACHE:-datasets/cache}
if [ ! -f "$cache/$NAME.json" ]; then
    mkdir -p "$cache"
    free_kb=$(df -Pk "$cache" | awk 'NR==2 {print $4}')
    if [ "$free_kb" -lt $((25 * 1024 * 1024)) ]; then
        echo "bench-10m: $cache/$NAME.json needs about 21 GB; only $((free_kb / 1024 / 1024)) GB free"; exit 1
    fi
    echo "== $NAME is generated first (about 21 GB, a few minutes)"
fi

"$BIN" bench --sizes $N --only hyperfine --engines go,rust-cli --count 1 \
    --hyperfine-warmup 0 --hyperfine-runs 1 -o "$OUT/results-10m.txt"

line=$(grep "^output-$NAME/" "$OUT/results-10m.txt") || { echo "bench-10m: no output digest in $OUT/results-10m.txt"; exit 1; }
echo "== $line"
case "$line" in
*";"*) echo "bench-10m: the engines wrote different documents"; exit 1 ;;
esac
grep -E "^Benchmark(Process|ProcessStage)/" "$OUT/results-10m.txt"
