#!/usr/bin/env bash
# The most /validate ÷ /q/health/live can be while still reading each AdmissionReview into the fabric8 models:
# admission.sh against the same build with an empty policy directory, so that every call is decoded and answered
# "allowed" with its uid, no policy judging it (metrics and logging run as usual). No patched copy of the tree.
#
#   src/bench/upper-bound.sh [scenario]      same scenarios and settings as admission.sh
set -euo pipefail

EMPTY="$(mktemp -d)"
trap 'rm -rf "$EMPTY"' EXIT
trap 'exit 130' INT TERM
echo "upper bound: no policies in force (clbguard.policies.dir=$EMPTY): every call decoded, none judged"
POLICIES="$EMPTY" "$(dirname "$0")/admission.sh" "$@"
