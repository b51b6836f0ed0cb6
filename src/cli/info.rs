//! `amn info`: what a model holds and how it was made.

use super::common::ModelArg;
use super::history::utc;
use amn::corpus::{Label, Topic};
use amn::model::file::FORMAT_VERSION;
use amn::model::history::kept;
use amn::model::repo::{Snapshot, open};
use serde_json::{Value, json};

/// Show a model's format, creation time, documents, vocabulary, settings and figures.
#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    #[command(flatten)]
    model: ModelArg,
    /// One JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(args: InfoArgs) -> anyhow::Result<()> {
    let snap = open(&args.model.model)?;
    let info = describe(&snap);
    if args.json {
        print_json_line(&info)?;
    } else {
        print_text(&info);
    }
    Ok(())
}

/// Writes one JSON line; a closed pipe (`| head`) is not an error.
pub fn print_json_line(v: &Value) -> std::io::Result<()> {
    use std::io::Write;
    match writeln!(std::io::stdout().lock(), "{v}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

/// Everything `info` says, as JSON (the text form is printed from it).
fn describe(snap: &Snapshot) -> Value {
    let m = &snap.model;
    let mut by_topic = serde_json::Map::new();
    for t in Topic::ALL {
        let n = m
            .archive
            .iter()
            .filter(|a| a.labels.as_ref().is_some_and(|l| l.has(t)))
            .count();
        by_topic.insert(t.as_str().into(), n.into());
    }
    let mut by_primary = serde_json::Map::new();
    for l in Label::ALL {
        let n = m
            .archive
            .iter()
            .filter(|a| a.labels.as_ref().is_some_and(|x| x.primary == l))
            .count();
        by_primary.insert(l.as_str().into(), n.into());
    }
    let labeled = m.archive.iter().filter(|a| a.labels.is_some()).count();
    let cv: Value = m
        .meta
        .cv_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    let store = match &snap.lineage {
        Ok(l) => json!({
            "path": snap.paths.store.display().to_string(),
            "version": l.commit.version,
            "action": l.commit.action.as_str(),
            "versions_kept": kept(&snap.paths.history),
            "added_documents": l.added_docs().count(),
            "label_corrections": l.labels.len(),
            "sources": l.root.sources,
            "removed_near_duplicates": l.root.removed.len(),
            "lexicon": {
                "builtin": l.root.lexicon.builtin,
                "crc32": l.root.lexicon.crc32,
                "builtin_changed_since": l.root.lexicon.builtin_changed(),
            },
        }),
        Err(e) => {
            json!({ "path": snap.paths.store.display().to_string(), "problem": e.to_string() })
        }
    };
    json!({
        "model": snap.paths.model.display().to_string(),
        "format_version": FORMAT_VERSION,
        "amn_version": m.meta.amn_version,
        "created": m.meta.created,
        "created_utc": utc(m.meta.created),
        "documents": m.archive.len(),
        "labeled": labeled,
        "unlabeled": m.archive.len() - labeled,
        "labeled_by_topic": by_topic,
        "labeled_by_primary": by_primary,
        "vocabulary": m.vectorizer.len(),
        "settings": m.meta.settings,
        "cv": cv,
        "store": store,
    })
}

fn print_text(i: &Value) {
    let s = |v: &Value| match v {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    println!(
        "model        {} (format {}, amn {})",
        s(&i["model"]),
        i["format_version"],
        s(&i["amn_version"])
    );
    println!("created      {} UTC", s(&i["created_utc"]));
    println!(
        "documents    {} ({} labeled, {} unlabeled)",
        i["documents"], i["labeled"], i["unlabeled"]
    );
    let counts = |v: &Value| -> String {
        v.as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, n)| format!("{k} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    println!("  by topic   {}", counts(&i["labeled_by_topic"]));
    println!("  by primary {}", counts(&i["labeled_by_primary"]));
    println!("vocabulary   {} terms", i["vocabulary"]);
    let v = &i["settings"]["vectorizer"];
    let c = &i["settings"]["classifier"];
    println!(
        "settings     stemmer {}, min-df {}, max-df {}, bigrams {}; alpha {}, lexicon {}, terms {}",
        s(&v["stemmer"]),
        v["min_df"],
        v["max_df"],
        v["bigrams"],
        c["alpha"],
        c["use_lexicon"],
        c["use_terms"]
    );
    print_cv(&i["cv"]);
    let st = &i["store"];
    if let Some(p) = st.get("problem") {
        println!("store        {}", s(p));
        return;
    }
    println!(
        "version      {} ({}), kept for rollback: {}",
        st["version"],
        s(&st["action"]),
        st["versions_kept"]
    );
    println!(
        "store        {}: {} added documents, {} label corrections",
        s(&st["path"]),
        st["added_documents"],
        st["label_corrections"]
    );
    for src in st["sources"].as_array().into_iter().flatten() {
        println!(
            "  source     {} ({} documents, {} bytes, CRC-32 {})",
            s(&src["path"]),
            src["documents"],
            src["bytes"],
            s(&src["crc32"])
        );
    }
    let lex = &st["lexicon"];
    let lexicon = if lex["builtin"] == true {
        if lex["builtin_changed_since"] == true {
            "built-in (changed since training; `amn retrain` uses the new one)"
        } else {
            "built-in"
        }
    } else {
        "custom (kept in the store)"
    };
    println!("  lexicon    {lexicon}, CRC-32 {}", s(&lex["crc32"]));
}

/// Cross-validated figures in whichever form they were stored: one evaluation report, or
/// several by split name.
fn print_cv(cv: &Value) {
    let one = |name: &str, r: &Value| {
        if r.get("topics_macro_f1").is_some() {
            println!(
                "cv {name:<9} topics macro-F1 {:.3}, primary macro-F1 {:.3}, primary accuracy {:.3} ({} folds, {} documents)",
                r["topics_macro_f1"].as_f64().unwrap_or(f64::NAN),
                r["primary_macro_f1"].as_f64().unwrap_or(f64::NAN),
                r["primary_accuracy"].as_f64().unwrap_or(f64::NAN),
                r["folds"],
                r["documents"]
            );
        }
    };
    match cv {
        Value::Null => println!("cv           not measured"),
        Value::Object(o) if o.contains_key("topics_macro_f1") => {
            one(cv["split"].as_str().unwrap_or(""), cv)
        }
        Value::Object(o) => {
            for (k, r) in o {
                one(k, r);
            }
        }
        _ => {}
    }
}
