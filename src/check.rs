//! `check`: the generated files compared with the files on disk, with a unified diff for each
//! one that drifted and, for a Dockerfile, the decisions that moved with the file lines that
//! decide them now ([`crate::moved`]). A file that differs only in the version of shiplight its
//! header names ([`crate::version`]) is not drift: it is said so, as a note. A Dockerfile that
//! differs only in its images' digests is not diffed: each image whose digest moved is named,
//! with the file that records which ([`crate::pinned`]).

use crate::render::Output;
use crate::repo::{MANIFEST_CAP, Repo};
use crate::trace::Step;
use crate::version;
use similar::TextDiff;
use std::io::Write;
use std::path::Path;

/// A generated Dockerfile and the trace it was generated from.
pub struct Decided<'a> {
    /// The Dockerfile's name among the outputs.
    pub dockerfile: String,
    pub trace: &'a [Step],
    /// The digests file the settings name, as shown in messages.
    pub digests: Option<String>,
}

/// Whether a file on disk holds what was generated, apart from the Dockerfile's record lines
/// (their line numbers move with any edit above them; [`crate::moved`] reads them when the
/// rest drifts).
fn same(on_disk: &str, generated: &str) -> bool {
    let kept = |text: &str| -> Vec<String> {
        text.split_inclusive('\n')
            .filter(|line| !crate::moved::is_record(line))
            .map(str::to_string)
            .collect()
    };
    on_disk == generated || kept(on_disk) == kept(generated)
}

/// When the header of `on_disk` names another version of shiplight than this one (or none, from
/// before versions were recorded), which one wrote it and which one this is.
fn other_version(on_disk: &str) -> Option<String> {
    match version::written_by(on_disk)? {
        Some(written) if written == version::VERSION => None,
        Some(written) => Some(format!(
            "written by shiplight {}; this is {}",
            crate::shown::line(written),
            version::VERSION
        )),
        None => Some(format!(
            "written by a shiplight that did not record its version; this is {}",
            version::VERSION
        )),
    }
}

/// Compares `outputs` with the files under `dir`, printing a unified diff (on disk -> generated)
/// for each difference, the decisions that moved in each drifted Dockerfile of `decided`, and a
/// summary. A file that differs only in the version its header names gets a note instead of a
/// diff (a warning under `--strict`) and does not count as drift. Returns whether anything
/// drifted. A file on disk that cannot be read as a regular
/// file inside the project (a link leaving it, a FIFO, a file over the cap) drifts, and its
/// contents are never shown.
pub fn compare(
    dir: &Path,
    outputs: &[Output],
    decided: &[Decided<'_>],
    out: &mut dyn Write,
) -> std::io::Result<bool> {
    let repo = Repo::new(dir);
    let mut drifted = Vec::new();
    let mut versions_only = Vec::new();
    let mut digests_only = Vec::new();
    for output in outputs {
        let path = dir.join(&output.name);
        let on_disk = match repo.read(&output.name, MANIFEST_CAP) {
            Ok(bytes) => bytes.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
            Err(err) => {
                writeln!(
                    out,
                    "{}: {}; its contents are not compared or shown",
                    path.display(),
                    err.cause
                )?;
                drifted.push(path.display().to_string());
                continue;
            }
        };
        if on_disk
            .as_deref()
            .is_some_and(|text| same(text, &output.contents))
        {
            continue;
        }
        let shown = path.display().to_string();
        let decision = decided.iter().find(|d| d.dockerfile == output.name);
        if let (Some(decision), Some(text)) = (decision, on_disk.as_deref())
            && let Some(moved) = crate::pinned::moved(text, &output.contents)
        {
            for image in &moved {
                writeln!(
                    out,
                    "{shown}: {}",
                    crate::pinned::explain(image, decision.digests.as_deref())
                )?;
            }
            digests_only.push(shown);
            continue;
        }
        let other_version = on_disk.as_deref().and_then(other_version);
        if let Some(written) = &other_version
            && on_disk.as_deref().is_some_and(|text| {
                same(
                    &version::unversioned(text),
                    &version::unversioned(&output.contents),
                )
            })
        {
            let note = format!(
                "{shown}: {written}; the content is the same otherwise: run `shiplight init --force` to record the version"
            );
            writeln!(out, "{note}")?;
            crate::shown::noted(&note);
            versions_only.push(shown);
            continue;
        }
        let old = on_disk.as_deref().unwrap_or("");
        let diff = TextDiff::from_lines(old, output.contents.as_str());
        let old_header = if on_disk.is_some() {
            format!("{shown} (on disk)")
        } else {
            "/dev/null (missing)".to_string()
        };
        write!(
            out,
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&old_header, &format!("{shown} (generated)"))
        )?;
        let trace = decided
            .iter()
            .find(|d| d.dockerfile == output.name)
            .map(|d| d.trace);
        if let (Some(trace), Some(text)) = (trace, on_disk.as_deref()) {
            let moved = crate::moved::moved(text, trace);
            if !moved.is_empty() {
                writeln!(
                    out,
                    "{shown}: what decides differently now (the evidence recorded in its header, then now):"
                )?;
                for line in moved {
                    writeln!(out, "  {line}")?;
                }
            }
        }
        if let Some(written) = other_version {
            writeln!(
                out,
                "{shown}: {written}, and the content differs too (above)"
            )?;
        }
        drifted.push(shown);
    }
    if !digests_only.is_empty() {
        writeln!(
            out,
            "drift: {} differ{} from what shiplight generates only in image digests (above)",
            digests_only.join(", "),
            if digests_only.len() == 1 { "s" } else { "" }
        )?;
    }
    if drifted.is_empty() && digests_only.is_empty() && versions_only.is_empty() {
        writeln!(
            out,
            "up to date: {} files match what shiplight generates",
            outputs.len()
        )?;
    } else if drifted.is_empty() && digests_only.is_empty() {
        writeln!(
            out,
            "up to date: {} files match what shiplight generates, apart from the version named in the header of {}",
            outputs.len(),
            versions_only.join(", ")
        )?;
    } else if !drifted.is_empty() {
        writeln!(
            out,
            "drift: {} differ{} from what shiplight generates. Run `shiplight init --force` to regenerate, or change the settings (shiplight.toml) that made them",
            drifted.join(", "),
            if drifted.len() == 1 { "s" } else { "" }
        )?;
    }
    Ok(!drifted.is_empty() || !digests_only.is_empty())
}
