#!/usr/bin/env bash
# Makes a hyperfine that exports each run's peak RSS (memory_usage_byte,
# hyperfine >= 1.19) available to `make run` without installing anything
# system-wide: the one on PATH when it is recent enough, else the pinned
# version built from crates.io into tools/bin of this repository
# (git-ignored; the Makefile puts tools/bin first on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

version=${HYPERFINE_VERSION:-1.20.0}
minimum=1.19.0

# recent VERSION: VERSION >= minimum.
recent() { [ "$(printf '%s\n%s\n' "$minimum" "$1" | sort -V | head -n1)" = "$minimum" ]; }

have=$(tools/bin/hyperfine --version 2>/dev/null | awk '{print $2}') || true
if [ "$have" = "$version" ]; then exit 0; fi
if [ -z "$have" ]; then
  system=$(PATH=${PATH#"$PWD/tools/bin:"} command -v hyperfine || true)
  if [ -n "$system" ]; then
    sv=$("$system" --version | awk '{print $2}')
    if recent "$sv"; then exit 0; fi
    echo "hyperfine: $system is $sv, older than $minimum (no peak RSS in its export): building $version into tools/"
  else
    echo "hyperfine: not on PATH: building $version from crates.io into tools/ (once, a few minutes)"
  fi
fi
cargo install hyperfine --locked --version "$version" --root tools --quiet
