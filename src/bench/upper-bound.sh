#!/usr/bin/env bash
# The most /validate ÷ /q/health/live can be while still reading each AdmissionReview into the fabric8 models, as
# issue 2 requires: admission.sh run on a scratch copy of HEAD with decode-only.patch applied, whose routes decode
# the request and answer "allowed" with its uid, judging nothing. The patch never enters the real tree.
#
#   src/bench/upper-bound.sh [scenario]      same scenarios and settings as admission.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
command -v git >/dev/null || { echo "upper-bound.sh: git is missing" >&2; exit 1; }
SCRATCH="$(mktemp -d)"
cleanup() {
  git -C "$ROOT" worktree remove --force "$SCRATCH/tree" >/dev/null 2>&1 || true
  rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

git -C "$ROOT" worktree add --detach "$SCRATCH/tree" HEAD >/dev/null
git -C "$SCRATCH/tree" apply "$ROOT/src/bench/decode-only.patch"
echo "decode-only copy of $(git -C "$ROOT" rev-parse --short HEAD): every call decoded, none judged"
REBUILD=1 "$SCRATCH/tree/src/bench/admission.sh" "$@"
