# aegisbench: the two set-up commands are `make run` (the main job) and `make test`.
# Every target installs nothing system-wide: hyperfine, when missing or too old,
# is built from crates.io into tools/ (git-ignored), which comes first on PATH.

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
# The pinned hyperfine of ci/hyperfine.sh (>= 1.19: per-run peak RSS in its JSON export).
export HYPERFINE_VERSION ?= 1.20.0
export PATH := $(CURDIR)/tools/bin:$(PATH)

.PHONY: all build rust go tools run test check fuzz conform conform-arm64 bench bench-check bench-scale bench-10m baseline seed-baseline calibrate clean profile-ladder

all: build

## build: the Rust static library and CLI, then the Go CLIs linked with it (engine rust-ffi):
## aegisbench, and aegispaths (its paths command alone).
build: rust go

rust:
	$(CARGO) build --release --locked -p libaegispath

go: rust
	$(GO) build -tags $(TAGS) -o $(BIN)/aegisbench ./cmd/aegisbench
	$(GO) build -tags $(TAGS) -o $(BIN)/aegispaths ./cmd/aegispaths

## tools: a hyperfine >= 1.19 (the one on PATH, else the pinned one built into tools/).
tools:
	bash ci/hyperfine.sh

## run: the main job on the small ladder: generate, check conformance, benchmark, report.
run: build tools
	$(BIN)/aegisbench run --sizes $(SIZES) --count $(COUNT) -o $(OUT)

## test: everything CI checks (formatting, vet, clippy, Rust and Go tests).
test:
	bash ci/check.sh

## fuzz: every Go fuzz target for FUZZTIME each (Rust through rust-ffi beside Go); crashers land in testdata/fuzz/.
FUZZTIME ?= 10m
fuzz: rust
	FUZZTIME=$(FUZZTIME) bash ci/fuzz.sh

## conform: the full conformance run (all shapes, 5 seeds, 200..20000, every vector).
conform: build
	$(BIN)/aegisbench conform --engines go,rust-ffi,rust-cli --sizes 200,2000,20000 --shapes all --seeds 1..5 --report $(OUT)/report/CONFORMANCE.md --verdict $(OUT)/conform-verdict.json

## conform-arm64: the Go engine's digests under qemu-user (arm64) against amd64.
conform-arm64:
	bash ci/conform-arm64.sh

## bench: the benchmark ladder into one results file, then the report.
bench: build tools
	$(BIN)/aegisbench bench --sizes $(SIZES) --count $(COUNT) -o $(OUT)/results.txt --profile-dir $(OUT)/profiles
	$(BIN)/aegisbench report $(OUT)/results.txt --profile-dir $(OUT)/profiles -o $(OUT)/report

## bench-check: benchstat itself on the results, and the test that its medians equal the report's.
bench-check:
	$(GO) tool benchstat $(OUT)/results.txt
	AEGISBENCH_BENCHSTAT_FILES=$(OUT)/results.txt $(GO) test -count=1 -run TestBenchstatAgrees ./reports/

## bench-scale: the committed scale report reports/baselines/<platform>/scale/: the realistic
## ladder 200 -> 1,000,000 findings, one op per sample, SCALE_COUNT samples (3 give each fitted
## exponent a bootstrap CI).
SCALE_COUNT ?= 3
SCALE_DIR   := reports/baselines/$(PLATFORM)/scale
bench-scale: build tools
	$(BIN)/aegisbench datasets ensure
	$(BIN)/aegisbench bench --sizes 200,2000,20000,200000,1000000 --count $(SCALE_COUNT) --benchtime 1x --keep-going \
	    --criterion-sample-size 10 -o $(SCALE_DIR)/results.txt
	$(BIN)/aegisbench report $(SCALE_DIR)/results.txt $(wildcard $(SCALE_DIR)/results-10m.txt) -o $(SCALE_DIR) --title "Scale ladder: $(PLATFORM)"

## bench-10m: 10,000,000 realistic findings (~21 GB, generated on demand, checked by sha256) through
## aegispath and the Go engine as whole processes (bench --only hyperfine: wall, peak RSS, stages,
## output digests); its results file joins the committed scale report.
bench-10m: build tools
	OUT=$(OUT) bash ci/bench-10m.sh
	cp $(OUT)/results-10m.txt $(SCALE_DIR)/results-10m.txt
	$(BIN)/aegisbench report $(SCALE_DIR)/results.txt $(SCALE_DIR)/results-10m.txt -o $(SCALE_DIR) --title "Scale ladder: $(PLATFORM)"

## baseline: the committed per-platform baseline (run on a quiet machine): each arm sampled until the
## 95% CI of its medians is within +-5% (7 to 30 samples); the report names the arms that did not get there.
baseline: build tools
	$(BIN)/aegisbench bench --sizes 200,2000,20000 --count 7 --ci-width 5% --max-count 30 --keep-going \
	    --profile-dir $(OUT)/baseline-profiles -o reports/baselines/$(PLATFORM)/results.txt
	$(BIN)/aegisbench report reports/baselines/$(PLATFORM)/results.txt \
	    --profile-dir $(OUT)/baseline-profiles -o reports/baselines/$(PLATFORM) \
	    --title "Performance Baseline: $(PLATFORM)"
	$(BIN)/aegisbench compare-platforms reports/baselines/darwin-arm64 reports/baselines/$(PLATFORM) \
	    -o reports/baselines/COMPARISON.md

## profile-ladder: the size-invariant figures of the realistic ladder (seed 1, generator
## version GEN) at LADDER_SIZES, each within 5% of the smallest (the test covers up to 20000).
GEN          ?= 2
LADDER_SIZES ?= 2000 20000 200000 1000000
profile-ladder: go
	mkdir -p $(OUT)/ladder
	set -e; files=""; for n in $(LADDER_SIZES); do \
	    f=$(OUT)/ladder/realistic-$$n-g$(GEN).profile.json; \
	    $(BIN)/aegisbench generate --findings $$n --seed 1 --generator-version $(GEN) -o $(OUT)/ladder/data.json; \
	    $(BIN)/aegisbench datasets profile $(OUT)/ladder/data.json --engine-max-bytes 8589934592 --json $$f; \
	    files="$$files $$f"; done; rm -f $(OUT)/ladder/data.json; \
	$(BIN)/aegisbench datasets ladder $$files > $(OUT)/ladder/LADDER-g$(GEN).md || st=$$?; \
	cat $(OUT)/ladder/LADDER-g$(GEN).md; exit $${st:-0}

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
