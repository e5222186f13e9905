#!/usr/bin/env bash
# Push one results file to the data branch, the performance history that
# every machine can rebuild (`aegisbench history rebuild DIR` on a checkout
# of the branch).
#
#   ci/push-results.sh RESULTS_FILE PLATFORM COMMIT
#
# The file lands at PLATFORM/COMMIT/<UTC time>-<sha256 prefix>.txt: one file
# per platform, commit and time, never rewritten, so concurrent pushers never
# touch the same path. A push that loses the race fetches the new tip,
# re-applies its one-file commit on it (a rebase) and tries again.
#
# Environment: AEGISBENCH_DATA_REMOTE (default origin), AEGISBENCH_DATA_BRANCH
# (default benchmark-data), AEGISBENCH_PUSH_TRIES (default 10). Run it inside
# the repository checkout: it works in a temporary worktree, so the remote's
# credentials (actions/checkout's) are the checkout's.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 RESULTS_FILE PLATFORM COMMIT" >&2
  exit 2
fi
file=$1 platform=$2 commit=$3
remote=${AEGISBENCH_DATA_REMOTE:-origin}
branch=${AEGISBENCH_DATA_BRANCH:-benchmark-data}
tries=${AEGISBENCH_PUSH_TRIES:-10}

if [ ! -s "$file" ]; then
  echo "push-results: $file: missing or empty" >&2
  exit 1
fi
case "$platform$commit" in
  */* | *..* | *' '*) echo "push-results: bad platform or commit: $platform $commit" >&2; exit 2 ;;
esac
file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
digest=$(sha256sum "$file" | cut -c1-12)
dest="$platform/$commit/$(date -u +%Y%m%dT%H%M%SZ)-$digest.txt"

wt=$(mktemp -d)
local_branch="push-results-$$-$RANDOM"
cleanup() {
  git worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"
  git worktree prune >/dev/null 2>&1 || true
  git for-each-ref --format='%(refname:short)' "refs/heads/$local_branch-*" | xargs -r git branch -qD >/dev/null 2>&1 || true
}
trap cleanup EXIT
git worktree add --quiet --detach "$wt" HEAD

for attempt in $(seq 1 "$tries"); do
  if git -C "$wt" fetch --quiet "$remote" "refs/heads/$branch" 2>/dev/null; then
    git -C "$wt" checkout --quiet --detach FETCH_HEAD
    git -C "$wt" reset --quiet --hard FETCH_HEAD
    if git -C "$wt" ls-files --error-unmatch "$platform/$commit/*-$digest.txt" >/dev/null 2>&1; then
      echo "push-results: $file is already on $branch"
      exit 0
    fi
  else
    # The data branch does not exist yet: start it without history.
    git -C "$wt" checkout --quiet --orphan "$local_branch-$attempt"
    git -C "$wt" rm -rq --cached . >/dev/null 2>&1 || true
    git -C "$wt" clean -fdxq
  fi
  mkdir -p "$wt/$(dirname "$dest")"
  cp "$file" "$wt/$dest"
  git -C "$wt" add "$dest"
  git -C "$wt" -c user.name="aegisbench" -c user.email="aegisbench@users.noreply.github.com" \
    commit --quiet -m "results: $dest"
  if git -C "$wt" push --quiet "$remote" "HEAD:refs/heads/$branch" 2>/dev/null; then
    echo "push-results: $dest pushed to $branch (attempt $attempt)"
    exit 0
  fi
  sleep "$(( (RANDOM % 3) + 1 ))"
done
echo "push-results: $dest: push to $branch failed $tries times" >&2
exit 1
