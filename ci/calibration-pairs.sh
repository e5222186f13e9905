#!/usr/bin/env bash
# The gate's calibration pairs kept on a data branch, so that a calibration
# of the whole default benchmark set (about an hour a pair) accumulates over
# nightly runs (.github/workflows/calibrate.yml).
#
#   ci/calibration-pairs.sh fetch PLATFORM DIR
#       every pair file kept for PLATFORM, into DIR/PLATFORM/ (DIR is
#       created; nothing is fetched when the branch or the platform has no
#       pairs yet)
#   ci/calibration-pairs.sh push PLATFORM COMMIT DIR
#       the new pair files at the top of DIR (DIR/pair-*.txt, written by
#       `aegisbench gate --calibrate --pairs-dir DIR`), each to
#       PLATFORM/COMMIT/ on the branch with ci/push-results.sh
#
# Environment: AEGISBENCH_DATA_REMOTE (default origin),
# AEGISBENCH_CALIBRATION_BRANCH (default calibration-data).
set -euo pipefail

remote=${AEGISBENCH_DATA_REMOTE:-origin}
branch=${AEGISBENCH_CALIBRATION_BRANCH:-calibration-data}
here=$(cd "$(dirname "$0")" && pwd)

case "${1:-}" in
  fetch)
    [ $# -eq 3 ] || { echo "usage: $0 fetch PLATFORM DIR" >&2; exit 2; }
    platform=$2 dir=$3
    mkdir -p "$dir"
    if ! git fetch --quiet --depth 1 "$remote" "refs/heads/$branch" 2>/dev/null; then
      echo "calibration-pairs: no $branch branch yet: no pairs kept"
      exit 0
    fi
    if ! git cat-file -e "FETCH_HEAD:$platform" 2>/dev/null; then
      echo "calibration-pairs: no pairs kept for $platform yet"
      exit 0
    fi
    git archive FETCH_HEAD "$platform" | tar -x -C "$dir"
    echo "calibration-pairs: $(find "$dir/$platform" -name '*.txt' | wc -l) pair file(s) for $platform"
    ;;
  push)
    [ $# -eq 4 ] || { echo "usage: $0 push PLATFORM COMMIT DIR" >&2; exit 2; }
    platform=$2 commit=$3 dir=$4
    shopt -s nullglob
    for f in "$dir"/pair-*.txt; do
      AEGISBENCH_DATA_BRANCH=$branch bash "$here/push-results.sh" "$f" "$platform" "$commit"
    done
    ;;
  *)
    echo "usage: $0 fetch PLATFORM DIR | push PLATFORM COMMIT DIR" >&2
    exit 2
    ;;
esac
