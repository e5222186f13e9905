# aegisbench: the two set-up commands are `make run` (the main job) and `make test`.
# Every target installs nothing system-wide; .ci/run installs what CI needs first.

GO      ?= go
CARGO   ?= cargo
TAGS    ?= rustffi
BIN     := bin
OUT     ?= out
SIZES   ?= 200,2000,20000
COUNT   ?= 5

.PHONY: all build rust go run test check conform conform-arm64 bench bench-scale baseline clean

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
	$(BIN)/aegisbench conform --engines go,rust-ffi,rust-cli --sizes 200,2000,20000 --shapes all --seeds 1..5 --report $(OUT)/report/CONFORMANCE.md

## conform-arm64: the Go engine's digests under qemu-user (arm64) against amd64.
conform-arm64:
	bash ci/conform-arm64.sh

## bench: the benchmark ladder into one results file, then the report.
bench: build
	$(BIN)/aegisbench bench --sizes $(SIZES) --count $(COUNT) -o $(OUT)/results.txt --profile-dir $(OUT)/profiles
	$(BIN)/aegisbench report $(OUT)/results.txt --profile-dir $(OUT)/profiles -o $(OUT)/report

## bench-scale: the realistic ladder up to 1,000,000 findings, fewer samples.
bench-scale: build
	$(BIN)/aegisbench bench --sizes 200,2000,20000,200000,1000000 --count 3 --only go,criterion,hyperfine -o $(OUT)/results-scale.txt
	$(BIN)/aegisbench report $(OUT)/results-scale.txt -o $(OUT)/report-scale

## baseline: the committed per-platform baseline (reports/baselines/GOOS-GOARCH).
baseline: build
	bash ci/baseline.sh

clean:
	rm -rf $(BIN) $(OUT) target
