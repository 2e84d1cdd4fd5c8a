//! `check`: the generated files compared with the files on disk, with a unified diff for each
//! one that drifted.

use crate::error::Error;
use crate::render::Output;
use similar::TextDiff;
use std::io::Write;
use std::path::Path;

/// Compares `outputs` with the files under `dir`, printing a unified diff (on disk -> generated)
/// for each difference and a summary. Returns whether anything drifted.
pub fn compare(dir: &Path, outputs: &[Output], out: &mut dyn Write) -> Result<bool, Error> {
    let mut drifted = Vec::new();
    for output in outputs {
        let path = dir.join(&output.name);
        let on_disk = match std::fs::read(&path) {
            Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => {
                return Err(Error::Usage(format!(
                    "cannot read {}: {err}",
                    path.display()
                )));
            }
        };
        if on_disk.as_deref() == Some(output.contents.as_str()) {
            continue;
        }
        let shown = path.display().to_string();
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
        drifted.push(shown);
    }
    if drifted.is_empty() {
        writeln!(
            out,
            "up to date: {} files match what shiplight generates",
            outputs.len()
        )?;
    } else {
        writeln!(
            out,
            "drift: {} differ{} from what shiplight generates. Run `shiplight init --force` to regenerate, or change the settings (shiplight.toml) that made them",
            drifted.join(", "),
            if drifted.len() == 1 { "s" } else { "" }
        )?;
    }
    Ok(!drifted.is_empty())
}
