#!/usr/bin/env bash
# Whole-command speed of amn, side by side with the scikit-learn pipeline, in one run.
#
#   bench/run.sh                 # everything (about 10-15 minutes on 2 cores)
#   RUNS=3 SKIP_PYTHON=1 bench/run.sh
#
# Needs: hyperfine (`apt-get install hyperfine`), GNU time at /usr/bin/time (`apt-get install
# time`), and a Python with bench/requirements.txt for the baseline (PYTHON=path/to/python;
# default .venv/bin/python, else python3). CI does not run this.
#
# Every figure is a median of RUNS runs (default 5; 3 for the slow ones). Results: a markdown
# table on stdout and in $OUT/results.md, raw measurements in $OUT/raw.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS=${CORPUS:-../shared/corpus/saudinewsnet.jsonl.gz}
LABELED=${LABELED:-../shared/corpus/labeled/dev.jsonl}
MODEL=${MODEL:-models/default}
RUNS=${RUNS:-5}
SLOW_RUNS=${SLOW_RUNS:-3}
OUT=${OUT:-target/bench-run}
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
ONE=$(ls seeds/*.txt | head -1)

need() { command -v "$1" >/dev/null || { echo "bench/run.sh: needs $1 ($2)" >&2; exit 2; }; }
need hyperfine "apt-get install hyperfine"
need jq "apt-get install jq"
[[ -x /usr/bin/time ]] || { echo "bench/run.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }
[[ -f "$CORPUS" ]] || { echo "bench/run.sh: no corpus at $CORPUS" >&2; exit 2; }

mkdir -p "$OUT"
RAW="$OUT/raw.jsonl"
: >"$RAW"
echo "building (release)..." >&2
cargo build --release --quiet --bin amn --example speed
AMN=target/release/amn
SPEED=target/release/examples/speed

load() { cut -d' ' -f1-3 /proc/loadavg; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
num() { [[ "$1" =~ ^[0-9.]+$ ]]; }
ratio() { if num "$1" && num "$2"; then awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; else echo n/a; fi; }
# hyperfine's median of a command, seconds.
hf() {
    local name=$1 runs=$2
    shift 2
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$OUT/$name.json" "$@" >/dev/null 2>&1
    jq -c --arg n "$name" '{bench: $n, median: .results[0].median, runs: .results[0].times}' \
        "$OUT/$name.json" >>"$RAW"
    jq '.results[0].median' "$OUT/$name.json"
}

echo "load before: $(load)" >&2

echo "1/7 analyzer (amn, 1 thread and all cores)..." >&2
A1=$($SPEED analyze "$CORPUS" --threads 1 --repeat "$RUNS" | tee -a "$RAW" | jq .mb_per_s)
AN=$($SPEED analyze "$CORPUS" --repeat "$RUNS" | tee -a "$RAW" | jq .mb_per_s)
THREADS=$(tail -1 "$RAW" | jq .threads)

echo "2/7 vectorizing the corpus (amn)..." >&2
V=$($SPEED vectorize "$CORPUS" --repeat "$SLOW_RUNS" | tee -a "$RAW")
V_S=$(jq .seconds <<<"$V")
V_MBS=$(jq .mb_per_s <<<"$V")
V_RSS=$(jq .peak_rss_mb <<<"$V")

PY_A=n/a PY_S=n/a PY_MBS=n/a PY_RSS=n/a
if [[ -z "${SKIP_PYTHON:-}" ]]; then
    echo "3/7 scikit-learn pipeline (analysis alone, then fit_transform; slow)..." >&2
    PA=$("$PYTHON" bench/baseline.py --speed-analyzer "$CORPUS" --repeat "$SLOW_RUNS" --json | tee -a "$RAW")
    PY_A=$(jq .mb_per_s <<<"$PA")
    P=$("$PYTHON" bench/baseline.py --speed "$CORPUS" --repeat "$SLOW_RUNS" --json | tee -a "$RAW")
    PY_S=$(jq .seconds <<<"$P")
    PY_MBS=$(jq .mb_per_s <<<"$P")
    PY_RSS=$(jq .peak_rss_mb <<<"$P")
    PY_FLOOR=$(hf python_imports "$RUNS" "$PYTHON -c 'import Stemmer, sklearn.feature_extraction.text, sklearn.svm'")
else
    PY_FLOOR=n/a
fi

echo "4/7 amn train on the whole corpus (labeled + saudinewsnet)..." >&2
TRAIN_WALL=() TRAIN_RSS=()
for _ in $(seq "$SLOW_RUNS"); do
    rm -rf "$OUT/model31k"
    /usr/bin/time -v -o "$OUT/train.time" "$AMN" train --corpus "$LABELED" "$CORPUS" --model "$OUT/model31k" >/dev/null 2>"$OUT/train.err"
    TRAIN_WALL+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$OUT/train.time")")
    TRAIN_RSS+=("$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$OUT/train.time")")
done
T_WALL=$(printf '%s\n' "${TRAIN_WALL[@]}" | median)
T_RSS=$(printf '%s\n' "${TRAIN_RSS[@]}" | median)
jq -cn --argjson w "[$(IFS=,; echo "${TRAIN_WALL[*]}")]" --argjson r "[$(IFS=,; echo "${TRAIN_RSS[*]}")]" \
    '{bench: "train", wall_s: $w, peak_rss_mb: $r}' >>"$RAW"

echo "5/7 classify: cold one bulletin, batches..." >&2
COLD=$(hf classify_cold 30 "$AMN classify --model $MODEL $ONE")
N_LABELED=$(grep -c . "$LABELED")
B_LAB=$(hf classify_batch_labeled "$RUNS" -i --output=null "$AMN classify --json --model $MODEL $LABELED")
N_CORPUS=$(grep '"mode":"vectorize"' "$RAW" | jq .docs)
B_ALL=$(hf classify_batch_corpus "$SLOW_RUNS" -i --output=null "$AMN classify --json --model $MODEL $CORPUS")
INPROC=$($SPEED classify "$MODEL" "$LABELED" --repeat "$RUNS" | tee -a "$RAW" | jq .per_s)

echo "6/7 similar top-10 against the 31k archive..." >&2
if "$AMN" similar --help >/dev/null 2>&1; then
    SIM=$(hf similar_31k 10 "$AMN similar --model $OUT/model31k --top 10 $ONE")
    SIM_MS=$(awk -v s="$SIM" 'BEGIN { printf "%.1f", s * 1000 }')
else
    SIM_MS="TODO: amn similar not available in this build"
fi

echo "7/7 model size and load time..." >&2
SIZE_DEFAULT=$(stat -c %s "$MODEL/model.amn")
SIZE_31K=$(stat -c %s "$OUT/model31k/model.amn" 2>/dev/null || echo 0)
LOAD_DEFAULT=$($SPEED load "$MODEL" --repeat "$RUNS" | tee -a "$RAW" | jq .seconds)
LOAD_31K=$($SPEED load "$OUT/model31k" --repeat "$SLOW_RUNS" | tee -a "$RAW" | jq .seconds)

ms() { if num "$1"; then awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; else echo n/a; fi; }
per_s() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1e6 }'; }

{
    echo "## amn vs scikit-learn, $(date -u +%Y-%m-%d), $(nproc) cores, load $(load) at the end"
    echo
    echo "| measure | amn | scikit-learn pipeline | ratio |"
    echo "| --- | --- | --- | --- |"
    echo "| analyzer, 1 thread (MB/s) | $A1 | $PY_A (1 thread) | $(ratio "$A1" "$PY_A")× |"
    echo "| analyzer, $THREADS threads (MB/s) | $AN | $PY_A (1 thread) | $(ratio "$AN" "$PY_A")× |"
    echo "| vectorize 96 MB corpus (s) | $V_S ($V_MBS MB/s) | $PY_S ($PY_MBS MB/s) | $(ratio "$PY_S" "$V_S")× faster |"
    echo "| vectorize, peak RSS incl. corpus (MB) | $V_RSS | $PY_RSS | $(ratio "$PY_RSS" "$V_RSS")× less |"
    echo "| \`amn train\`, whole corpus (s, peak MB) | $T_WALL s, $T_RSS MB | | |"
    echo "| cold \`amn classify\` one bulletin (ms) | $(ms "$COLD") | $(ms "$PY_FLOOR") (Python + imports alone) | $(ratio "$PY_FLOOR" "$COLD")× |"
    echo "| batch classify, $N_LABELED labeled, whole process (bulletins/s) | $(per_s "$N_LABELED" "$B_LAB") | | |"
    echo "| batch classify, $N_CORPUS corpus, whole process (bulletins/s) | $(per_s "$N_CORPUS" "$B_ALL") | | |"
    echo "| batch classify, in process, 1 thread (bulletins/s) | $INPROC | | |"
    echo "| \`amn similar --top 10\`, 31k archive, whole process (ms) | $SIM_MS | | |"
    echo "| model size: models/default, 31k model (MB) | $(mb "$SIZE_DEFAULT"), $(mb "$SIZE_31K") | | |"
    echo "| model load: models/default, 31k model (ms) | $(ms "$LOAD_DEFAULT"), $(ms "$LOAD_31K") | | |"
} | tee "$OUT/results.md"
