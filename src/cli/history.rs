//! `amn history` (the kept versions of a model) and `amn rollback` (make one current again).

use super::common::{ModelArg, refresh_archive};
use super::info::print_json_line;
use amn::model::history::{KEEP, kept};
use amn::model::lineage::{Commit, CvFigures};
use amn::model::rebuild;
use amn::model::repo::{Writer, open};

/// List the versions of a model kept for rollback (the newest five).
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    model: ModelArg,
    /// One JSON object per version per line.
    #[arg(long)]
    json: bool,
}

/// Make an earlier version of a model current again (as a new version).
#[derive(Debug, clap::Args)]
pub struct RollbackArgs {
    #[command(flatten)]
    model: ModelArg,
    /// The version to restore (see `amn history`); the one before the current by default.
    #[arg(long, value_name = "N")]
    to: Option<u64>,
}

pub fn run_history(args: HistoryArgs) -> anyhow::Result<()> {
    let snap = open(&args.model.model)?;
    let lineage = snap.lineage?;
    let journal = snap.journal.expect("a lineage has a store");
    let files = kept(&snap.paths.history);
    let current = lineage.commit.version;
    let shown: Vec<&Commit> = journal
        .commits()
        .filter(|c| files.contains(&c.version) || c.version == current)
        .collect();
    let older = journal.commits().count() - shown.len();
    if args.json {
        for c in &shown {
            let mut v = serde_json::to_value(c)?;
            v["current"] = (c.version == current).into();
            v["created_utc"] = utc(c.created).into();
            if let Some(o) = v.as_object_mut() {
                o.remove("root");
            }
            print_json_line(&v)?;
        }
        return Ok(());
    }
    println!(
        "  {:>7}  {:<19}  {:<8}  {:>9}  {:>7}  {:>10}  {:>8}  note",
        "version", "created (UTC)", "action", "documents", "labeled", "vocabulary", "macro-F1"
    );
    for c in &shown {
        let mark = if c.version == current { "*" } else { " " };
        let f1 =
            c.cv.map_or("-".to_string(), |f| format!("{:.3}", f.topics_macro_f1));
        let line = format!(
            "{mark} {:>7}  {:<19}  {:<8}  {:>9}  {:>7}  {:>10}  {:>8}  {}",
            c.version,
            utc(c.created),
            c.action.as_str(),
            c.documents,
            c.labeled,
            c.vocabulary,
            f1,
            c.note
        );
        println!("{}", line.trim_end());
    }
    println!("(* current; macro-F1: topics, 3-fold CV over the labeled documents, when measured)");
    if older > 0 {
        println!(
            "{older} older versions are recorded in {} but no longer kept (the last {KEEP} are)",
            snap.paths.store.display()
        );
    }
    Ok(())
}

pub fn run_rollback(args: RollbackArgs) -> anyhow::Result<()> {
    let mut w = Writer::open(&args.model.model, "amn rollback")?;
    let was = w.lineage.commit.version;
    let c = rebuild::rollback(&mut w, args.to)?;
    refresh_archive(&w, &[]);
    println!(
        "restored version {} as version {} (was {was}): {} documents, {} labeled, vocabulary {} terms -> {}",
        c.parent.unwrap_or_default(),
        c.version,
        c.documents,
        c.labeled,
        c.vocabulary,
        w.paths.model.display()
    );
    Ok(())
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) of seconds since the Unix epoch.
pub fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// "0.775 → 0.781 (+0.006)" for one figure of two cross-validations.
pub fn delta(before: Option<&CvFigures>, after: &CvFigures, f: fn(&CvFigures) -> f64) -> String {
    match before {
        Some(b) => format!("{:.3} → {:.3} ({:+.3})", f(b), f(after), f(after) - f(b)),
        None => format!("{:.3}", f(after)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(utc(1_764_425_045), "2025-11-29 14:04:05");
    }
}
