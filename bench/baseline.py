#!/usr/bin/env python3
"""scikit-learn baseline that amn is compared against, side by side.

Same normalization, tokenization, folds and metrics as amn, so that any
difference in the numbers comes from the models, not from the harness.

    python bench/baseline.py --corpus ../shared/corpus/labeled/dev.jsonl [--json]
    python bench/baseline.py --speed ../shared/corpus/saudinewsnet.jsonl.gz [--json]
    python bench/baseline.py --speed-analyzer ../shared/corpus/saudinewsnet.jsonl.gz [--json]
"""

import argparse
import gzip
import json
import re
import resource
import statistics
import sys
import time

import Stemmer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.svm import LinearSVC

PRIMARY_LABELS = ["cybersecurity", "aviation_security", "counter_terrorism", "narcotics", "other"]
TOPICS = PRIMARY_LABELS[:4]

# --- normalization (must stay byte-for-byte identical to amn's) -------------

_TABLE = {}
for cp in list(range(0x064B, 0x0653)) + [0x0670, 0x0640]:  # harakat, dagger alif, tatweel
    _TABLE[cp] = None
for cp in list(range(0x200B, 0x2010)) + [0xFEFF]:  # zero-width and direction marks
    _TABLE[cp] = None
for src in "أإآٱ":
    _TABLE[ord(src)] = "ا"
_TABLE.update({ord("ى"): "ي", ord("ة"): "ه", ord("ؤ"): "و", ord("ئ"): "ي"})
for i in range(10):
    _TABLE[0x0660 + i] = str(i)  # Arabic-Indic digits
    _TABLE[0x06F0 + i] = str(i)  # Persian digits
for c in range(ord("A"), ord("Z") + 1):
    _TABLE[c] = chr(c + 32)  # ASCII-only lowercasing: no locale surprises vs Rust


def normalize(text):
    return text.translate(_TABLE)


# Arabic letters = explicit code point ranges (not Unicode categories, which
# differ between Python's isalpha and Rust's is_alphabetic). Excludes Arabic
# punctuation, digits and the combining marks that survive normalization.
_AR = ("\u0621-\u063A\u0641-\u064A\u066E-\u066F\u0671-\u06D3\u06D5"
       "\u06FA-\u06FC\u06FF\u0750-\u077F\uFB50-\uFDFB\uFE70-\uFEFC")
_TOKEN_RE = re.compile(f"[{_AR}]+|[a-z]+|[0-9]+")
_ARABIC_START = re.compile(f"[{_AR}]")

# News vocabulary is Zipfian: a cache larger than PyStemmer's default 10k
# entries keeps the baseline from being handicapped on the speed benchmark.
_stemmer = Stemmer.Stemmer("arabic", 200_000)


def tokenize(normalized):
    """Runs of Arabic letters / Latin letters / digits; Arabic runs are stemmed."""
    out = []
    for tok in _TOKEN_RE.findall(normalized):
        # A run is all-Arabic or not at all, so checking its first char suffices.
        out.append(_stemmer.stemWord(tok) if _ARABIC_START.match(tok) else tok)
    return out


def make_vectorizer(variant):
    if variant == "word":
        # tokenizer (not analyzer) so sklearn still builds the (1,2)-grams.
        return TfidfVectorizer(preprocessor=normalize, tokenizer=tokenize, token_pattern=None,
                               lowercase=False, ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    return TfidfVectorizer(preprocessor=normalize, lowercase=False, analyzer="char_wb",
                           ngram_range=(2, 5), sublinear_tf=True, min_df=2)


# --- data -----------------------------------------------------------------


def read_jsonl(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def doc_text(d):
    return (d.get("title") or "") + "\n" + (d.get("text") or "")


# --- splits (must match amn exactly) --------------------------------------


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def kfold_assign(docs, k, seed):
    """Stratified by primary, order fixed by a seeded hash: reproducible in any language."""
    fold = [0] * len(docs)
    groups = {}
    for i, d in enumerate(docs):
        groups.setdefault(d["primary"], []).append(i)
    for members in groups.values():
        members.sort(key=lambda i: (fnv1a64(f"{seed}:{docs[i]['id']}".encode("utf-8")), docs[i]["id"]))
        for pos, i in enumerate(members):
            fold[i] = pos % k
    return fold


def date_split(docs):
    order = sorted(range(len(docs)), key=lambda i: (docs[i]["date"], docs[i]["id"]))
    n_train = len(docs) * 7 // 10  # floor(0.7*n) in exact integer arithmetic
    return order[:n_train], order[n_train:]


# --- models ---------------------------------------------------------------


def svc():
    # random_state pins liblinear's coordinate-descent order, so reruns agree.
    return LinearSVC(class_weight="balanced", random_state=0)


def fit_predict(variant, train_docs, test_docs):
    """Returns (primary predictions, {topic: 0/1 predictions}) for test_docs."""
    vec = make_vectorizer(variant)
    X_train = vec.fit_transform([doc_text(d) for d in train_docs])
    X_test = vec.transform([doc_text(d) for d in test_docs])

    primary = svc().fit(X_train, [d["primary"] for d in train_docs]).predict(X_test)

    topics = {}
    for t in TOPICS:
        y = [int(t in d["topics"]) for d in train_docs]
        if len(set(y)) < 2:
            # A split can leave a rare topic with a single class in training;
            # the only sensible model then is the constant.
            topics[t] = [y[0]] * len(test_docs)
        else:
            topics[t] = list(svc().fit(X_train, y).predict(X_test))
    return list(primary), topics


def evaluate(variant, docs, split, k, seed):
    if split == "kfold":
        fold = kfold_assign(docs, k, seed)
        tests = [[i for i in range(len(docs)) if fold[i] == f] for f in range(k)]
        runs = [([i for i in range(len(docs)) if fold[i] != f], t) for f, t in enumerate(tests)]
    else:
        runs = [date_split(docs)]

    # Pool predictions over all folds, then score once.
    idx, pred_primary, pred_topics = [], [], {t: [] for t in TOPICS}
    for train, test in runs:
        if not test:
            continue
        p, tp = fit_predict(variant, [docs[i] for i in train], [docs[i] for i in test])
        idx += test
        pred_primary += p
        for t in TOPICS:
            pred_topics[t] += tp[t]

    true_primary = [docs[i]["primary"] for i in idx]
    per_topic = {}
    for t in TOPICS:
        y_true = [int(t in docs[i]["topics"]) for i in idx]
        p, r, f, _ = precision_recall_fscore_support(y_true, pred_topics[t], average="binary",
                                                     zero_division=0)
        per_topic[t] = {"precision": float(p), "recall": float(r), "f1": float(f),
                        "support": int(sum(y_true))}
    return {
        "variant": variant,
        "split": split,
        "folds": k,
        "seed": seed,
        "n_test": len(idx),
        "primary_accuracy": float(accuracy_score(true_primary, pred_primary)),
        "primary_macro_f1": float(f1_score(true_primary, pred_primary, average="macro",
                                           labels=PRIMARY_LABELS, zero_division=0)),
        "topics_macro_f1": float(statistics.fmean(per_topic[t]["f1"] for t in TOPICS)),
        "per_topic": per_topic,
    }


def print_table(results):
    print(f"{'variant':<8}{'split':<7}{'n':>5}  {'prim_acc':>8}  {'prim_mF1':>8}  {'topic_mF1':>9}")
    for r in results:
        split = f"{r['split']}{r['folds']}" if r["split"] == "kfold" else r["split"]
        print(f"{r['variant']:<8}{split:<7}{r['n_test']:>5}  {r['primary_accuracy']:>8.4f}  "
              f"{r['primary_macro_f1']:>8.4f}  {r['topics_macro_f1']:>9.4f}")
    print()
    print(f"{'variant':<8}{'split':<7}{'topic':<19}{'prec':>7}{'rec':>7}{'f1':>7}{'supp':>6}")
    for r in results:
        split = f"{r['split']}{r['folds']}" if r["split"] == "kfold" else r["split"]
        for t, m in r["per_topic"].items():
            print(f"{r['variant']:<8}{split:<7}{t:<19}{m['precision']:>7.3f}{m['recall']:>7.3f}"
                  f"{m['f1']:>7.3f}{m['support']:>6}")


# --- speed ----------------------------------------------------------------


def speed(path, repeat, as_json):
    t0 = time.perf_counter()
    texts = [doc_text(d) for d in read_jsonl(path)]
    load_s = time.perf_counter() - t0
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    times, n_features = [], 0
    for _ in range(repeat):
        vec = make_vectorizer("word")
        t0 = time.perf_counter()
        X = vec.fit_transform(texts)
        times.append(time.perf_counter() - t0)
        n_features = X.shape[1]
        del vec, X
    secs = statistics.median(times)
    res = {
        "mode": "speed",
        "path": path,
        "docs": len(texts),
        "mb": round(mb, 3),
        "seconds": round(secs, 3),
        "mb_per_s": round(mb / secs, 3),
        # ru_maxrss is KiB on Linux; includes the corpus held in memory.
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "repeat": repeat,
        "runs_seconds": [round(t, 3) for t in times],
        "load_seconds": round(load_s, 3),
        "n_features": n_features,
    }
    if as_json:
        print(json.dumps(res))
    else:
        print(f"{res['docs']} docs, {res['mb']:.1f} MB text, {res['n_features']} features (word, min_df=2)")
        print(f"analysis+vectorize: {res['seconds']:.2f} s median of {repeat} "
              f"({', '.join(f'{t:.2f}' for t in times)}) -> {res['mb_per_s']:.2f} MB/s")
        print(f"peak RSS: {res['peak_rss_mb']:.0f} MB   (load+parse, not timed: {load_s:.2f} s)")


def speed_analyzer(path, repeat, as_json):
    """Times the analysis alone (normalize + tokenize + stem every text, as the vectorizer's
    preprocessor and tokenizer do), to compare with amn's analyzer throughput."""
    texts = [doc_text(d) for d in read_jsonl(path)]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        n = 0
        for t in texts:
            n += len(tokenize(normalize(t)))
        times.append(time.perf_counter() - t0)
    secs = statistics.median(times)
    res = {"mode": "speed_analyzer", "path": path, "docs": len(texts), "mb": round(mb, 3),
           "seconds": round(secs, 3), "mb_per_s": round(mb / secs, 3), "repeat": repeat,
           "runs_seconds": [round(t, 3) for t in times], "tokens": n}
    if as_json:
        print(json.dumps(res))
    else:
        print(f"analysis only: {secs:.2f} s median of {repeat} -> {res['mb_per_s']:.2f} MB/s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", help="labeled .jsonl (id, date, title, text, primary, topics)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--split-by", choices=["kfold", "date"], action="append",
                    help="repeatable; default: both")
    ap.add_argument("--variant", choices=["word", "char"], action="append",
                    help="repeatable; default: both")
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--speed", metavar="PATH", help="time word vectorization over a .jsonl[.gz]")
    ap.add_argument("--speed-analyzer", metavar="PATH",
                    help="time the analysis alone (normalize, tokenize, stem) over a .jsonl[.gz]")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dump-folds", action="store_true",
                    help="print 'id<TAB>fold' (k-fold) and 'id<TAB>train|test' (date) to diff against amn")
    args = ap.parse_args(argv)

    if args.speed:
        speed(args.speed, args.repeat, args.json)
        return
    if args.speed_analyzer:
        speed_analyzer(args.speed_analyzer, args.repeat, args.json)
        return
    if not args.corpus:
        ap.error("--corpus or --speed is required")
    if args.folds < 2:
        ap.error("--folds must be >= 2")

    docs = read_jsonl(args.corpus)
    if args.dump_folds:
        for d, f in zip(docs, kfold_assign(docs, args.folds, args.seed)):
            print(f"kfold\t{d['id']}\t{f}")
        train, test = date_split(docs)
        for name, part in (("train", train), ("test", test)):
            for i in part:
                print(f"date\t{docs[i]['id']}\t{name}")
        return
    results = []
    for variant in args.variant or ["word", "char"]:
        for split in args.split_by or ["kfold", "date"]:
            r = evaluate(variant, docs, split, args.folds, args.seed)
            results.append(r)
            if args.json:
                print(json.dumps(r, ensure_ascii=False), flush=True)
    if not args.json:
        print_table(results)


if __name__ == "__main__":
    sys.exit(main())
