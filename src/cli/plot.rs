//! `amn plot`: similarity heatmap, archive map, topic distribution and top terms, as PNG and/or
//! SVG files in a directory.

use super::common::{ModelArg, spinner};
use amn::Model;
use amn::archive::cluster::DEFAULT_DIMS;
use amn::archive::{Archive, ClusterSettings, Clustering, KChoice};
use amn::corpus::open_inputs;
use amn::plot::bars::TopicBars;
use amn::plot::bulletins::{self, Bulletin, describe, require, sample};
use amn::plot::heatmap::{self, Heatmap};
use amn::plot::map::{self, ArchiveMap, Centre};
use amn::plot::terms::{self, SurfaceWords, TopTerms};
use amn::plot::{Figure, Format, save};
use amn::vector::SparseVec;
use anyhow::bail;
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Png,
    Svg,
    Both,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Png => Format::Png,
            FormatArg::Svg => Format::Svg,
            FormatArg::Both => Format::Both,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Kind {
    /// Cosine similarity between bulletins (heatmap.png).
    Heatmap,
    /// 2-D projection of the bulletins, by primary label (map.png).
    Map,
    /// Bulletins per topic (topics.png).
    Topics,
    /// Most weighted terms of each topic's model (terms.png).
    Terms,
}

const ALL_KINDS: [Kind; 4] = [Kind::Heatmap, Kind::Map, Kind::Topics, Kind::Terms];

/// Draw plots of bulletins (given inputs, or the model's archive): similarity heatmap, map,
/// topic distribution, top terms per topic.
#[derive(Debug, clap::Args)]
pub struct PlotArgs {
    #[command(flatten)]
    model: ModelArg,
    /// Bulletins to plot (.txt files, directories, .jsonl[.gz]); default: the model's archive.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    input: Vec<PathBuf>,
    /// Directory to write the pictures into (created if missing).
    #[arg(long, value_name = "DIR", default_value = "plots")]
    out: PathBuf,
    /// File format.
    #[arg(long, value_enum, default_value = "png")]
    format: FormatArg,
    /// Only these plots (comma-separated); all four by default.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "PLOT")]
    only: Vec<Kind>,
    /// Most bulletins in the heatmap; more are sampled evenly over the primary labels.
    #[arg(long, default_value_t = 40)]
    sample: usize,
    /// Terms per topic in the top-terms plot.
    #[arg(long, default_value_t = 12)]
    top: usize,
    /// Picture size in pixels, WIDTHxHEIGHT (default: each plot's own).
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    size: Option<(u32, u32)>,
    /// What to call the bulletins in subtitles (default: the input names, or "archive of MODEL").
    #[arg(long, value_name = "TEXT")]
    about: Option<String>,
    /// Seed of the sampling, the map's random projection and the clustering.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Clusters of the archive (as `amn cluster --k K`) that order the heatmap and are marked on
    /// the map: a number, `auto` (chosen by silhouette), or `off`. Only when plotting the archive;
    /// a few clusters keep the map readable.
    #[arg(long, default_value = "8", value_name = "K|auto|off", value_parser = parse_clusters)]
    clusters: Clusters,
}

#[derive(Debug, Clone, Copy)]
struct Clusters(Option<KChoice>);

fn parse_clusters(s: &str) -> Result<Clusters, String> {
    match s.trim() {
        "off" | "none" => Ok(Clusters(None)),
        k => k
            .parse()
            .map(|k| Clusters(Some(k)))
            .map_err(|e: amn::Error| e.to_string()),
    }
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("{s:?} is not WIDTHxHEIGHT (e.g. 1600x1200)"))?;
    let side = |v: &str| {
        v.trim()
            .parse::<u32>()
            .map_err(|_| format!("{s:?} is not WIDTHxHEIGHT (e.g. 1600x1200)"))
    };
    let (w, h) = (side(w)?, side(h)?);
    let range = amn::plot::render::MIN_SIDE..=amn::plot::render::MAX_SIDE;
    if !range.contains(&w) || !range.contains(&h) {
        return Err(format!(
            "each side must be in {}..={} pixels",
            range.start(),
            range.end()
        ));
    }
    Ok((w, h))
}

pub fn run(args: PlotArgs) -> anyhow::Result<()> {
    if !(2..=heatmap::MAX_BULLETINS).contains(&args.sample) {
        return Err(amn::Error::Invalid(format!(
            "--sample must be in 2..={}",
            heatmap::MAX_BULLETINS
        ))
        .into());
    }
    if args.top == 0 || args.top > 40 {
        return Err(amn::Error::Invalid("--top must be in 1..=40".into()).into());
    }
    let mut kinds: Vec<Kind> = if args.only.is_empty() {
        ALL_KINDS.to_vec()
    } else {
        args.only.clone()
    };
    let mut seen = Vec::new();
    kinds.retain(|k| {
        let first = !seen.contains(k);
        seen.push(*k);
        first
    });
    let format = Format::from(args.format);
    let progress = spinner("loading model");
    let model = Model::load(&args.model.model)?;
    let candidates = terms::candidates(&model, args.top);
    let mut words = SurfaceWords::new(
        candidates
            .iter()
            .flat_map(|(_, c)| c.iter().map(|(t, _)| t.clone())),
    );
    let analyzer = model.vectorizer.analyzer();

    // The bulletins, and what to call them.
    let (items, source, words_from) = if args.input.is_empty() {
        let items = bulletins::from_archive(&model);
        if items.is_empty() && kinds.iter().any(|k| *k != Kind::Terms) {
            bail!(amn::Error::Plot(format!(
                "the archive of {} is empty: nothing to plot (pass --input PATH to plot bulletins)",
                args.model.model.display()
            )));
        }
        let source = format!("archive of {}", args.model.model.display());
        (items, source, String::new())
    } else {
        progress.set_message("reading bulletins");
        let (items, skipped) = read_inputs(&model, &args.input, &mut words, &progress);
        if items.is_empty() {
            bail!(amn::Error::Plot(format!(
                "no bulletin to plot in {}{}",
                names(&args.input),
                if skipped > 0 {
                    format!(" ({skipped} could not be read)")
                } else {
                    String::new()
                }
            )));
        }
        let from = format!("the {} input texts, ", items.len());
        (items, names(&args.input), from)
    };
    let source = args.about.clone().unwrap_or(source);
    let plots_archive = args.input.is_empty();
    let wants_clusters = plots_archive
        && args.clusters.0.is_some()
        && kinds.iter().any(|k| matches!(k, Kind::Heatmap | Kind::Map));
    let archive = if wants_clusters || kinds.contains(&Kind::Terms) {
        progress.set_message("opening the archive");
        match Archive::load(&args.model.model) {
            Ok((a, _)) => Some(a),
            Err(e) => {
                progress.suspend(|| {
                    eprintln!("amn: note: archive unavailable ({e}); plotting without it")
                });
                None
            }
        }
    } else {
        None
    };
    for e in &model.archive {
        words.add_text(analyzer, &e.title);
    }
    words.add_lexicon(analyzer, &model.classifier.lexicon);
    let mut known = 0;
    if let Some(a) = &archive {
        // The archive index knows the surface words of the training texts. Its word pairs leave
        // out the small words between (الطائرات طيار), so pairs seen in the texts at hand win.
        for (_, terms) in &candidates {
            for (term, _) in terms {
                if let Some(id) = a.term_id(term) {
                    let weight = if term.contains(' ') { 1 } else { 5 };
                    known += usize::from(words.add_known(term, &a.word(id), weight));
                }
            }
        }
    }
    let clustering: Option<Clustering> = match (&archive, args.clusters.0) {
        (Some(a), Some(k)) if wants_clusters => {
            progress.set_message(format!("clustering {} bulletins", a.len()));
            let settings = ClusterSettings {
                k,
                seed: args.seed,
                dims: DEFAULT_DIMS,
            };
            match a.cluster(settings) {
                Ok(c) if c.assignment.len() == items.len() => Some(c),
                Ok(_) => {
                    progress.suspend(|| eprintln!("amn: note: the archive index does not match the model; plotting without clusters"));
                    None
                }
                Err(e) => {
                    progress.suspend(|| {
                        eprintln!("amn: note: no clusters ({e}); ordering by label only")
                    });
                    None
                }
            }
        }
        _ => None,
    };
    let words_from = format!(
        "{words_from}{}the archive's {} titles and the lexicon",
        if known > 0 {
            "the training texts, "
        } else {
            ""
        },
        model.archive.len()
    );

    // Refuse what cannot be drawn before drawing anything.
    for kind in &kinds {
        match kind {
            Kind::Heatmap => require(&items, 2, "similarity heatmap")?,
            Kind::Map => require(&items, 3, "archive map")?,
            Kind::Topics => require(&items, 1, "topic distribution")?,
            Kind::Terms => {}
        }
    }

    let mut written: Vec<PathBuf> = Vec::new();
    for kind in kinds {
        progress.set_message(format!("drawing {kind:?}").to_lowercase());
        let files = match kind {
            Kind::Heatmap => {
                let chosen = sample(&items, args.sample, args.seed);
                let clusters: Option<Vec<usize>> = clustering
                    .as_ref()
                    .map(|c| chosen.iter().map(|&i| c.assignment[i]).collect());
                let picked = subset(&items, chosen);
                let about = about(&source, &picked, items.len());
                let fig = Heatmap::new(&picked, clusters.as_deref(), &about)?;
                draw(&fig, &args.out, format, args.size)?
            }
            Kind::Map => {
                let picked = subset(&items, sample(&items, map::MAX_POINTS, args.seed));
                let mut about = about(&source, &picked, items.len());
                let centres = clustering
                    .as_ref()
                    .map(|c| centres(&items, c))
                    .unwrap_or_default();
                if !centres.is_empty() {
                    about.push_str(&format!(
                        "; × {} k-means clusters (amn cluster)",
                        centres.len()
                    ));
                }
                let fig = ArchiveMap::new(&picked, &centres, &about, args.seed)?;
                draw(&fig, &args.out, format, args.size)?
            }
            Kind::Topics => {
                let all: Vec<&Bulletin> = items.iter().collect();
                let fig = TopicBars::new(&all, &about(&source, &all, items.len()))?;
                draw(&fig, &args.out, format, args.size)?
            }
            Kind::Terms => {
                let fig = TopTerms::new(candidates.clone(), &words, args.top, &words_from)?;
                draw(&fig, &args.out, format, args.size)?
            }
        };
        written.extend(files);
    }
    progress.finish_and_clear();
    for f in written {
        println!("{}", f.display());
    }
    Ok(())
}

fn draw<F: Figure>(
    fig: &F,
    dir: &Path,
    format: Format,
    size: Option<(u32, u32)>,
) -> anyhow::Result<Vec<PathBuf>> {
    Ok(save(fig, dir, format, size)?)
}

/// Reads and analyzes every input; unreadable or non-Arabic bulletins are reported and skipped.
fn read_inputs(
    model: &Model,
    inputs: &[PathBuf],
    words: &mut SurfaceWords,
    progress: &indicatif::ProgressBar,
) -> (Vec<Bulletin>, usize) {
    let mut items = Vec::new();
    let mut skipped = 0;
    for item in open_inputs(inputs) {
        match item.and_then(|doc| {
            let b = Bulletin::analyze(model, &doc)?;
            words.add_text(model.vectorizer.analyzer(), &doc.full_text());
            Ok(b)
        }) {
            Ok(b) => items.push(b),
            Err(e) => {
                skipped += 1;
                progress.suspend(|| eprintln!("amn: skipped: {e}"));
            }
        }
    }
    (items, skipped)
}

/// Centre of each cluster in TF-IDF space (the mean row of all its members), tagged with its
/// number and described by its size and first distinctive words.
fn centres(items: &[Bulletin], clustering: &Clustering) -> Vec<Centre> {
    let mut sums: Vec<FxHashMap<u32, f32>> = vec![FxHashMap::default(); clustering.clusters.len()];
    let mut sizes = vec![0usize; clustering.clusters.len()];
    for (b, &c) in items.iter().zip(&clustering.assignment) {
        if let Some(sum) = sums.get_mut(c) {
            sizes[c] += 1;
            for (t, w) in b.row.iter() {
                *sum.entry(t).or_insert(0.0) += w;
            }
        }
    }
    sums.into_iter()
        .zip(&sizes)
        .zip(&clustering.clusters)
        .filter(|((_, n), _)| **n > 0)
        .map(|((sum, &n), cluster)| {
            let row =
                SparseVec::from_pairs(sum.into_iter().map(|(t, w)| (t, w / n as f32)).collect());
            let words: Vec<&str> = cluster.terms.iter().take(3).map(String::as_str).collect();
            Centre {
                row,
                tag: format!("C{}", cluster.cluster + 1),
                about: format!("{} · {}", cluster.size, words.join("، ")),
            }
        })
        .collect()
}

fn subset(items: &[Bulletin], picked: Vec<usize>) -> Vec<&Bulletin> {
    picked.into_iter().map(|i| &items[i]).collect()
}

fn about(source: &str, shown: &[&Bulletin], total: usize) -> String {
    if shown.len() < total {
        format!("{source}: {}, sampled from {total}", describe(shown))
    } else {
        format!("{source}: {}", describe(shown))
    }
}

fn names(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| {
            p.file_name()
                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
        })
        .collect::<Vec<_>>()
        .join(", ")
}
