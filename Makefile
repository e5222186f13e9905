# aegisbench: the two set-up commands are `make run` (the main job) and `make test`.
# Every target installs nothing system-wide; .ci/run installs what CI needs first.

GO      ?= go
CARGO   ?= cargo
TAGS    ?= rustffi
BIN     := bin
OUT     ?= out
SIZES   ?= 200,2000,20000
COUNT   ?= 5
PLATFORM     := $(shell $(GO) env GOOS)-$(shell $(GO) env GOARCH)
# A digest of the Rust static library in CGO_CFLAGS makes the Go build cache
# relink when the library changes (the cache does not track -l archives).
LIBDIGEST     = $(shell sha256sum target/release/libaegispath.a 2>/dev/null | cut -c1-16)
export CGO_CFLAGS = -O2 -g -DAEGISPATH_LIB_DIGEST=$(LIBDIGEST)

.PHONY: all build rust go run test check conform conform-arm64 bench bench-check bench-scale bench-10m baseline seed-baseline calibrate clean

all: build

## build: the Rust static library and CLI, then the Go CLI linked with it (engine rust-ffi).
build: rust go

rust:
	$(CARGO) build --release --locked -p libaegispath

go: rust
	$(GO) build -tags $(TAGS) -o $(BIN)/aegisbench ./cmd/aegisbench

## run: the main job on the small ladder: generate, check conformance, benchmark, report.
run: build
	$(BIN)/aegisbench run --sizes $(SIZES) --count $(COUNT) -o $(OUT)

## test: everything CI checks (formatting, vet, clippy, Rust and Go tests).
test:
	bash ci/check.sh

## conform: the full conformance run (all shapes, 5 seeds, 200..20000, every vector).
conform: build
	$(BIN)/aegisbench conform --engines go,rust-ffi,rust-cli --sizes 200,2000,20000 --shapes all --seeds 1..5 --report $(OUT)/report/CONFORMANCE.md --verdict $(OUT)/conform-verdict.json

## conform-arm64: the Go engine's digests under qemu-user (arm64) against amd64.
conform-arm64:
	bash ci/conform-arm64.sh

## bench: the benchmark ladder into one results file, then the report.
bench: build
	$(BIN)/aegisbench bench --sizes $(SIZES) --count $(COUNT) -o $(OUT)/results.txt --profile-dir $(OUT)/profiles
	$(BIN)/aegisbench report $(OUT)/results.txt --profile-dir $(OUT)/profiles -o $(OUT)/report

## bench-check: benchstat itself on the results, and the test that its medians equal the report's.
bench-check:
	$(GO) tool benchstat $(OUT)/results.txt
	AEGISBENCH_BENCHSTAT_FILES=$(OUT)/results.txt $(GO) test -count=1 -run TestBenchstatAgrees ./reports/

## bench-scale: the realistic ladder up to 1,000,000 findings, one op per sample, 3 samples.
bench-scale: build
	$(BIN)/aegisbench datasets ensure
	$(BIN)/aegisbench bench --sizes 200,2000,20000,200000,1000000 --count 3 --benchtime 1x --keep-going \
	    --criterion-sample-size 10 -o $(OUT)/results-scale.txt
	$(BIN)/aegisbench report $(OUT)/results-scale.txt -o $(OUT)/report-scale --title "Scale ladder: $(PLATFORM)"

## bench-10m: 10,000,000 realistic findings (~21 GB, generated on demand, checked by sha256) through
## aegispath and the Go engine as whole processes; results join the scale report.
bench-10m: build
	OUT=$(OUT) bash ci/bench-10m.sh
	$(BIN)/aegisbench report $(wildcard $(OUT)/results-scale.txt) $(OUT)/results-10m.txt -o $(OUT)/report-scale --title "Scale ladder: $(PLATFORM)"

## baseline: the committed per-platform baseline (run on a quiet machine; 7 samples give 95% CIs).
baseline: build
	$(BIN)/aegisbench bench --sizes 200,2000,20000 --count 7 --keep-going \
	    --profile-dir $(OUT)/baseline-profiles -o reports/baselines/$(PLATFORM)/results.txt
	$(BIN)/aegisbench report reports/baselines/$(PLATFORM)/results.txt \
	    --profile-dir $(OUT)/baseline-profiles -o reports/baselines/$(PLATFORM) \
	    --title "Performance Baseline: $(PLATFORM)"
	$(BIN)/aegisbench compare-platforms reports/baselines/darwin-arm64 reports/baselines/$(PLATFORM) \
	    -o reports/baselines/COMPARISON.md

## seed-baseline: re-render the seed's darwin-arm64 baseline (a test pins it).
seed-baseline:
	$(GO) run ./cmd/aegisbench report reports/baselines/darwin-arm64/results.txt \
	    -o reports/baselines/darwin-arm64 --title "Performance Baseline: darwin-arm64 (Apple M2 Max), as reported by the seed"

## calibrate: the whole gate on this machine: A/A false alarms over 20 runs of the whole default
## benchmark set (with and without Holm), a slowdown injected into one benchmark, per-series power.
## CPU-heavy: 20 pairs x 2 sides x 10 rounds = 400 `bench --count 1` runs of the default set (hours);
## CALIBRATE_ARGS narrows it, e.g. CALIBRATE_ARGS='--count 6 --bench-args "--only go --engines go --sizes 200"'.
CALIBRATE_ARGS ?=
calibrate: build
	$(BIN)/aegisbench gate --calibrate $(CALIBRATE_ARGS) -o $(OUT)/report/calibration.md

clean:
	rm -rf $(BIN) $(OUT) target
