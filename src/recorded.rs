//! shiplight.toml files older versions wrote: they recorded every detected value (stack,
//! vendor, runtime, language version, target, port) beside the chosen ones, so nothing tells a
//! person's choice from a finding. Such a file is recognised by its header
//! ([`crate::config::RECORDED_HEADER`]) and its recordable keys are sorted against what
//! detection finds without them: a value equal to it is treated as detected (it follows the
//! project from now on, and `init --force` leaves it out); a value that differs is kept as a
//! choice, and `check` fails naming it until the file is rewritten or the line deleted. When
//! detection cannot decide without the file's keys (several targets, say), all are kept.

use crate::settings::Layer;

/// One key older versions wrote: the layer holding only that key's value, and clearing it.
type Key = (fn(&Layer) -> Layer, fn(&mut Layer));

/// The keys older versions wrote from detection.
const KEYS: &[Key] = &[
    (
        |l| Layer {
            stack: l.stack,
            ..Layer::default()
        },
        |l| l.stack = None,
    ),
    (
        |l| Layer {
            vendor: l.vendor,
            ..Layer::default()
        },
        |l| l.vendor = None,
    ),
    (
        |l| Layer {
            runtime: l.runtime,
            ..Layer::default()
        },
        |l| l.runtime = None,
    ),
    (
        |l| Layer {
            lang_version: l.lang_version.clone(),
            ..Layer::default()
        },
        |l| l.lang_version = None,
    ),
    (
        |l| Layer {
            targets: l.targets.clone(),
            ..Layer::default()
        },
        |l| l.targets = Default::default(),
    ),
    (
        |l| Layer {
            package: l.package.clone(),
            ..Layer::default()
        },
        |l| l.package = None,
    ),
    (
        |l| Layer {
            profile: l.profile.clone(),
            ..Layer::default()
        },
        |l| l.profile = None,
    ),
    (
        |l| Layer {
            features: l.features.clone(),
            ..Layer::default()
        },
        |l| l.features = None,
    ),
    (
        |l| Layer {
            port: l.port,
            ..Layer::default()
        },
        |l| l.port = None,
    ),
];

/// An older file's layer without the keys older versions wrote from detection.
pub fn stripped(file: &Layer) -> Layer {
    let mut layer = file.clone();
    for (_, clear) in KEYS {
        clear(&mut layer);
    }
    layer.recorded = false;
    layer
}

/// An older file sorted against `detected` (the plan's pins without the file's keys).
pub struct Sorted {
    /// The layer to use: the values that differ from detection, and every other key.
    pub kept: Layer,
    /// The keys equal to detection, as TOML (`lang-version = "1.26"`).
    pub detected: Vec<String>,
    /// The keys that differ, each with what detection finds now.
    pub differs: Vec<String>,
}

/// Sorts `file` (an older shiplight.toml) against `detected`.
pub fn sort(file: &Layer, detected: &Layer) -> Sorted {
    let mut kept = file.clone();
    kept.recorded = false;
    let (mut same, mut differs) = (Vec::new(), Vec::new());
    for (take, clear) in KEYS {
        let given = take(file);
        if given == Layer::default() {
            continue;
        }
        let found = take(detected);
        if given == found {
            clear(&mut kept);
            same.push(toml_text(&given));
        } else {
            differs.push(format!(
                "{} (detection finds {})",
                toml_text(&given),
                match toml_text(&found).split_once(" = ") {
                    Some((_, value)) => value.to_string(),
                    None => "nothing to set".to_string(),
                }
            ));
        }
    }
    Sorted {
        kept,
        detected: same,
        differs,
    }
}

impl Sorted {
    /// Every key of `file` kept as a choice: detection cannot decide without them (a choice
    /// among several targets, say), so none can be told from a finding.
    pub fn kept(file: &Layer) -> Sorted {
        Sorted {
            kept: Layer {
                recorded: false,
                ..file.clone()
            },
            detected: Vec::new(),
            differs: Vec::new(),
        }
    }

    /// The warning an older file gets, once per run until it is rewritten.
    pub fn warning(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.detected.is_empty() {
            parts.push(format!(
                "{} equal{} what detection finds and follow{} the project from now on",
                self.detected.join(", "),
                if self.detected.len() == 1 { "s" } else { "" },
                if self.detected.len() == 1 { "s" } else { "" },
            ));
        }
        if !self.differs.is_empty() {
            parts.push(format!(
                "{} differ{} from detection and stay{} as a choice (delete the line to follow the project)",
                self.differs.join(", "),
                if self.differs.len() == 1 { "s" } else { "" },
                if self.differs.len() == 1 { "s" } else { "" },
            ));
        }
        (!parts.is_empty()).then(|| {
            format!(
                "{} was written by an older shiplight, which recorded detected values as settings: {}. `shiplight init --force` rewrites it with only the choices",
                crate::settings::FILE_NAME,
                parts.join("; ")
            )
        })
    }
}

/// One key's layer as its TOML line.
fn toml_text(layer: &Layer) -> String {
    toml::to_string(layer)
        .unwrap_or_default()
        .trim()
        .replace('\n', ", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Family;

    #[test]
    fn equal_values_are_detected_and_others_stay_as_choices() {
        let file = Layer {
            lang_version: Some("1.26".to_string()),
            runtime: Some(Family::Base),
            port: Some(9999),
            bake: Some(true),
            recorded: true,
            ..Layer::default()
        };
        let detected = Layer {
            lang_version: Some("1.27".to_string()),
            runtime: Some(Family::Base),
            ..Layer::default()
        };
        let sorted = sort(&file, &detected);
        assert_eq!(sorted.detected, ["runtime = \"base\""]);
        assert_eq!(
            sorted.differs,
            [
                "lang-version = \"1.26\" (detection finds \"1.27\")",
                "port = 9999 (detection finds nothing to set)"
            ]
        );
        assert_eq!(sorted.kept.runtime, None);
        assert_eq!(sorted.kept.lang_version.as_deref(), Some("1.26"));
        assert_eq!(sorted.kept.bake, Some(true));
        assert!(!sorted.kept.recorded);
        let stripped = stripped(&file);
        assert_eq!((stripped.lang_version, stripped.bake), (None, Some(true)));
    }
}
