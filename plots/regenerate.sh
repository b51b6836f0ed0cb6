#!/bin/sh
# Regenerates the pictures in plots/ (run from anywhere; takes a few minutes):
#   plots/seeds/  heatmap + topic bars of the five seed bulletins, read by the shipped model
#   plots/dev/    archive map (with k-means clusters), top terms, topic bars and confusion matrix
#                 of the labeled dev set (../shared/corpus/labeled/dev.jsonl)
# The dev pictures come from a model trained on the dev set alone (in a temporary directory), so
# its archive is exactly the dev set; the confusion matrix is 5-fold cross-validation (amn eval).
# Set AMN to use another amn binary; FORMAT=both also writes SVG files.
set -eu
cd "$(dirname "$0")/.."
DEV=../shared/corpus/labeled/dev.jsonl
FORMAT=${FORMAT:-png}
if [ -z "${AMN:-}" ]; then
    cargo build --release --quiet
    AMN=target/release/amn
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$AMN" plot --model models/default --input seeds --only heatmap,topics --about "the five seeds" \
    --format "$FORMAT" --out plots/seeds

"$AMN" train --corpus "$DEV" --model "$TMP/dev" >/dev/null
"$AMN" plot --model "$TMP/dev" --only map,terms,topics --clusters 8 --about "dev set" \
    --format "$FORMAT" --out plots/dev
"$AMN" eval --corpus "$DEV" --folds 5 --seed 42 --plot plots/dev --plot-format "$FORMAT" >/dev/null
