#!/usr/bin/env bash
# The one check script: `make test` and every CI workflow call it.
# Formatting, vet, clippy, the Rust tests, the Rust build the Go side links
# against, then the Go tests with the rustffi tag (and a build without it, to
# prove the stub keeps the module buildable without Rust).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'; find . -name '*.go' -newer go.mod -not -path './target/*' 2>/dev/null) 2>/dev/null | sort -u)
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; exit 1; fi

step "go mod tidy (go.mod and go.sum unchanged)"
go mod tidy -diff

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --locked --all-targets -- -D warnings
cargo clippy --locked --all-targets --features test-hooks -- -D warnings

step "cargo build (release: static library and aegispath CLI)"
cargo build --release --locked -p libaegispath

# The Go build cache does not notice a new libaegispath.a: name its digest in
# CGO_CFLAGS so a changed library forces a relink.
export CGO_CFLAGS="-O2 -g -DAEGISPATH_LIB_DIGEST=$(sha256sum target/release/libaegispath.a | cut -c1-16)"

step "cargo test (with the test-only exports of the test-hooks feature)"
cargo test --locked -p libaegispath --features test-hooks

step "go vet (with and without the rustffi tag)"
go vet ./...
go vet -tags rustffi ./...

step "go build without cgo (the stub)"
CGO_ENABLED=0 go build -o /dev/null ./cmd/aegisbench
CGO_ENABLED=0 go build -o /dev/null ./cmd/aegispaths

# The bench tests time exec: engines under hyperfine: the pinned one of
# ci/hyperfine.sh (built into tools/ when PATH has none recent enough).
step "hyperfine (ci/hyperfine.sh)"
bash ci/hyperfine.sh
export PATH="$PWD/tools/bin:$PATH"

step "go test -tags rustffi"
go test -tags rustffi -count=1 -timeout 20m ./...

step "go test without the rustffi tag (the packages whose tests cover the stub: rust-ffi unavailable)"
go test -count=1 -timeout 10m ./rust/ ./engines/ffiengine/ ./harness/cli/

step "fuzz (every Go fuzz target, 2s each, on the corpus plus new inputs)"
FUZZTIME=2s bash ci/fuzz.sh
