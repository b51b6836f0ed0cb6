//! `amn plot` and `amn eval --plot` on the real binary: every picture is written, decodes, has the
//! requested size, and too little data gives a clear error instead of a broken picture.

mod common;
use common::*;
use predicates::prelude::*;
use std::path::Path;

const PLOTS: [&str; 4] = ["heatmap", "map", "topics", "terms"];

/// `amn plot <args>` with the seed model, writing into `out`.
fn plot(args: &[&str], out: &Path) -> assert_cmd::Command {
    let mut cmd = amn_on(seed_model(), &["plot"]);
    cmd.args(args).arg("--out").arg(out);
    cmd
}

/// Width and height of a PNG file, after decoding every pixel.
fn png_size(path: &Path) -> (u32, u32) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let ink = buf[..info.buffer_size()]
        .iter()
        .filter(|&&b| b < 100)
        .count();
    assert!(ink > 1000, "{} looks empty", path.display());
    (info.width, info.height)
}

/// Width and height of an SVG file, after checking it is well-formed XML; also its text.
fn svg_size(path: &Path) -> (String, String, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not well-formed: {e}", path.display()));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let all_text: String = root
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    (
        root.attribute("width").unwrap().to_string(),
        root.attribute("height").unwrap().to_string(),
        all_text,
    )
}

#[test]
fn every_plot_is_written_as_png_and_svg_of_the_requested_size() {
    let out = tempfile::tempdir().unwrap();
    let stdout = stdout_ok(&mut plot(
        &["--input", "seeds", "--format", "both", "--size", "900x700"],
        out.path(),
    ));
    for name in PLOTS {
        let png = out.path().join(format!("{name}.png"));
        let svg = out.path().join(format!("{name}.svg"));
        assert!(stdout.contains(&png.display().to_string()), "{stdout}");
        assert_eq!(png_size(&png), (900, 700), "{name}");
        let (w, h, text) = svg_size(&svg);
        assert_eq!((w.as_str(), h.as_str()), ("900", "700"), "{name}");
        assert!(!text.trim().is_empty(), "{name} has no text");
    }
    // SVG text stays in logical order, marked right to left for the viewer.
    let heatmap = std::fs::read_to_string(out.path().join("heatmap.svg")).unwrap();
    assert!(heatmap.contains("direction=\"rtl\""));
    assert!(heatmap.contains("التشابه بين النشرات"));
    let topics = std::fs::read_to_string(out.path().join("topics.svg")).unwrap();
    assert!(topics.contains("مكافحة الإرهاب"));
}

#[test]
fn default_sizes_and_only_the_plots_asked_for() {
    let out = tempfile::tempdir().unwrap();
    plot(
        &["--input", "seeds", "--only", "heatmap,topics"],
        out.path(),
    )
    .assert()
    .success();
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["heatmap.png", "topics.png"]);
    assert_eq!(png_size(&out.path().join("heatmap.png")), (1500, 1000));
    assert_eq!(png_size(&out.path().join("topics.png")), (1500, 950));
}

#[test]
fn the_archive_is_plotted_when_no_input_is_given() {
    let out = tempfile::tempdir().unwrap();
    plot(&["--format", "svg", "--only", "heatmap,map"], out.path())
        .assert()
        .success();
    let (_, _, text) = svg_size(&out.path().join("heatmap.svg"));
    assert!(text.contains("archive of"), "{text}");
    svg_size(&out.path().join("map.svg"));
    assert!(!out.path().join("heatmap.png").exists());
}

#[test]
fn a_single_bulletin_is_refused_with_a_clear_message() {
    let out = tempfile::tempdir().unwrap();
    plot(&["--input", "seeds/000_98ba85b340fa3eee.txt"], out.path())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("1 bulletin (000_98ba85b340fa3eee.txt) is not enough").and(
                predicate::str::contains("similarity heatmap needs at least 2"),
            ),
        );
    // Nothing half-drawn is left behind.
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    // What one bulletin can show still works.
    plot(
        &[
            "--input",
            "seeds/000_98ba85b340fa3eee.txt",
            "--only",
            "topics",
        ],
        out.path(),
    )
    .assert()
    .success();
    png_size(&out.path().join("topics.png"));
}

#[test]
fn an_empty_archive_or_empty_input_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut model = amn::Model::load(seed_model()).unwrap();
    model.archive.clear();
    model.rows.clear();
    let empty = dir.path().join("empty-model");
    model.save(&empty).unwrap();
    let out = dir.path().join("out");
    amn_on(&empty, &["plot"])
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("archive of")
                .and(predicate::str::contains("is empty: nothing to plot")),
        );
    assert!(!out.exists());

    let no_bulletins = dir.path().join("none");
    std::fs::create_dir(&no_bulletins).unwrap();
    amn_on(seed_model(), &["plot"])
        .arg("--input")
        .arg(&no_bulletins)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no bulletin to plot"));
    assert!(!out.exists());
}

#[test]
fn bad_sizes_and_samples_are_usage_errors() {
    for args in [
        ["--size", "10x10"],
        ["--size", "big"],
        ["--sample", "1"],
        ["--format", "gif"],
    ] {
        amn_on(seed_model(), &["plot", args[0], args[1]])
            .assert()
            .code(2);
    }
}

#[test]
fn eval_plot_draws_the_confusion_matrix() {
    let dir = tempfile::tempdir().unwrap();
    // A small labeled corpus keeps the evaluation quick.
    let corpus = dev_head(dir.path(), 60);
    let out = dir.path().join("plots");
    amn()
        .args([
            "eval",
            "--folds",
            "2",
            "--json",
            "--plot-format",
            "both",
            "--corpus",
        ])
        .arg(&corpus)
        .arg("--plot")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("{"))
        .stderr(predicate::str::contains("confusion.png"));
    assert_eq!(png_size(&out.join("confusion.png")), (1400, 1150));
    let (_, _, text) = svg_size(&out.join("confusion.svg"));
    assert!(text.contains("predicted primary label"), "{text}");
}
