#!/usr/bin/env bash
# make bench-10m: 10,000,000 realistic findings (about 21 GB) end to end on
# this machine, each engine as a whole process on the file.
#
#   1. generates datasets/cache/realistic-10000000-s1-g2.json (generator
#      version 2) when missing
#      (never committed) and checks its sha256 against datasets/scale-10m.sha256
#      (UPDATE=1 records a new digest after a deliberate generator change);
#   2. runs aegispath (rust-cli) and `aegisbench paths --engine go` on it
#      with --timings under GNU time (wall time, peak RSS);
#   3. checks the outputs are identical (sha256);
#   4. writes $OUT/results-10m.txt in the results format, which
#      `aegisbench report` reads with the scale ladder's results.
#
# rust-ffi is not run: it takes the document as one buffer in memory (21 GB
# here, and the in-memory reader stops at 4 GiB); the files are streamed by
# the process engines only.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-out}
N=10000000
GEN=2
DATA=datasets/cache/realistic-$N-s1-g$GEN.json
DIGEST=datasets/scale-10m.sha256
BIN=bin/aegisbench
AEGISPATH=${AEGISPATH_BIN:-target/release/aegispath}
mkdir -p "$OUT/10m" datasets/cache
command -v /usr/bin/time >/dev/null || { echo "bench-10m: needs GNU time (apt-get install time)"; exit 1; }

if [ ! -f "$DATA" ]; then
    free_kb=$(df -Pk datasets/cache | awk 'NR==2 {print $4}')
    if [ "$free_kb" -lt $((25 * 1024 * 1024)) ]; then
        echo "bench-10m: $DATA needs about 21 GB; only $((free_kb / 1024 / 1024)) GB free"; exit 1
    fi
    echo "== generating $DATA (about 21 GB)"
    /usr/bin/time -f "generated in %e s" "$BIN" generate --findings $N --seed 1 --shape realistic --generator-version $GEN -o "$DATA"
fi
echo "== checking $DATA against $DIGEST"
got=$(sha256sum "$DATA" | cut -d' ' -f1)
if [ "${UPDATE:-}" = 1 ]; then
    echo "$got  $(basename "$DATA")" > "$DIGEST"
elif [ "$got" != "$(cut -d' ' -f1 "$DIGEST")" ]; then
    echo "bench-10m: $DATA has sha256 $got, $DIGEST says $(cat "$DIGEST")"
    echo "(delete the file to regenerate it; UPDATE=1 after a deliberate generator change)"; exit 1
fi

# run NAME COMMAND...: one whole process, output to $OUT/10m/NAME.json,
# GNU time's wall and peak RSS and the engine's --timings line kept.
run() {
    local name=$1; shift
    echo "== $name"
    /usr/bin/time -f "wall=%e maxrss_kb=%M" -o "$OUT/10m/$name.time" "$@" --in "$DATA" --timings \
        > "$OUT/10m/$name.json" 2> "$OUT/10m/$name.stderr"
    cat "$OUT/10m/$name.time"; grep timings: "$OUT/10m/$name.stderr"
}
run rust-cli "$AEGISPATH"
run go "$BIN" paths --engine go

# aegisbench paths ends the document with a newline, aegispath does not.
a=$( (cat "$OUT/10m/rust-cli.json"; echo) | sha256sum | cut -d' ' -f1)
b=$(sha256sum < "$OUT/10m/go.json" | cut -d' ' -f1)
echo "== outputs: rust-cli $a, go $b"
[ "$a" = "$b" ] || { echo "bench-10m: the outputs differ"; exit 1; }

{
    echo "goos: $(go env GOOS)"
    echo "goarch: $(go env GOARCH)"
    echo "pkg: processes (hyperfine)"
    echo "dataset-$(basename "$DATA" .json): $got findings=$N bytes=$(stat -c %s "$DATA")"
    for e in rust-cli go; do
        read -r wall rss < <(sed -E 's/wall=([0-9.]+) maxrss_kb=([0-9]+)/\1 \2/' "$OUT/10m/$e.time")
        awk -v e="$e" -v n=$N -v w="$wall" -v r="$rss" \
            'BEGIN { printf "BenchmarkProcess/engine=%s/n=%d 1 %.0f ns/op %.0f peak-RSS-B\n", e, n, w * 1e9, r * 1024 }'
    done
} > "$OUT/results-10m.txt"
echo "== $OUT/results-10m.txt"; cat "$OUT/results-10m.txt"
