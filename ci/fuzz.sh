#!/usr/bin/env bash
# Runs every Go fuzz target for FUZZTIME each (default 2s: the short budget
# of `make test`; `make fuzz` gives 10m). The checked-in corpus
# (testdata/fuzz/) runs first, then new inputs; a crash fails the run and
# leaves its input in testdata/fuzz/FuzzX/ to commit as a regression.
# FuzzDifferential and FuzzFFIAttackPaths drive the Rust scanner through
# rust-ffi side by side with the Go engine (the rustffi tag is set).
# Each target's last progress line (executions, new inputs) is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-2s}"
targets=(
	"FuzzLexer ./internal/safeio"
	"FuzzRead ./harness/results"
	"FuzzAttackPaths ./engines/goengine"
	"FuzzDifferential ./harness/conform"
	"FuzzFFIAttackPaths ./rust"
)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "${targets[@]}"; do
	read -r name pkg <<<"$t"
	printf '== fuzz %s (%s) for %s\n' "$name" "$pkg" "$FUZZTIME"
	corpus="$pkg/testdata/fuzz/$name"
	before=$({ ls "$corpus" 2>/dev/null || true; } | wc -l)
	if ! go test -tags rustffi -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1; then
		after=$({ ls "$corpus" 2>/dev/null || true; } | wc -l)
		if [ "$after" = "$before" ] && grep -q 'context deadline exceeded' "$log" && ! grep -q -- '--- FAIL: .*/' "$log"; then
			# Go's fuzz coordinator could not stop a worker in time (one
			# busy in a long call when -fuzztime ran out): no input failed
			# and none was saved. Said, not hidden, and not a crash.
			grep -E '^fuzz: elapsed' "$log" | tail -1 || true
			echo "fuzz: $name: the fuzzing engine stopped with 'context deadline exceeded' at the end of its time; no failing input was found or saved"
			continue
		fi
		cat "$log"
		echo "fuzz: $name found a failure (its input is in $corpus/)"
		exit 1
	fi
	grep -E '^fuzz: elapsed' "$log" | tail -1 || true
done
