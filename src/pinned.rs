//! Image digests in a Dockerfile, told apart from the rest of its text: when a Dockerfile on
//! disk differs from the generated one only in the `@sha256:` digests of its images (an update
//! bot moved a `FROM` digest, or the digests file moved and the Dockerfile did not), `check`
//! names each image whose digest differs and which file records what, instead of a plain diff.

/// One image whose digest differs between the Dockerfile on disk and the generated one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The reference without its digest, as the `FROM` line names it.
    pub image: String,
    /// The digest the Dockerfile on disk pins, if any.
    pub on_disk: Option<String>,
    /// The digest the generated Dockerfile pins (from the digests file), if any.
    pub generated: Option<String>,
}

/// Length of `@sha256:` and 64 hexadecimal digits.
const PIN_LEN: usize = "@sha256:".len() + 64;

/// A word split into its reference and its `sha256:` digest, when it ends with one.
fn split_pin(word: &str) -> (&str, Option<&str>) {
    if word.len() > PIN_LEN {
        let (image, pin) = word.split_at(word.len() - PIN_LEN);
        if pin
            .strip_prefix('@')
            .is_some_and(crate::registry::is_digest)
        {
            return (image, Some(&pin[1..]));
        }
    }
    (word, None)
}

/// The lines that are compared: record lines left out (as `check` leaves them out).
fn kept(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| !crate::moved::is_record(line))
        .collect()
}

/// A line with every word's digest removed.
fn stripped(line: &str) -> String {
    line.split(' ')
        .map(|word| split_pin(word).0)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether two Dockerfiles are the same apart from their record lines and image digests.
pub fn same_but_digests(on_disk: &str, generated: &str) -> bool {
    let (a, b) = (kept(on_disk), kept(generated));
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| x == y || stripped(x) == stripped(y))
}

/// The images whose digests differ, when the Dockerfiles differ in nothing else (record lines
/// apart); `None` when they differ in more.
pub fn moved(on_disk: &str, generated: &str) -> Option<Vec<Moved>> {
    if !same_but_digests(on_disk, generated) {
        return None;
    }
    let mut found: Vec<Moved> = Vec::new();
    for (x, y) in kept(on_disk).iter().zip(kept(generated)) {
        if *x == y {
            continue;
        }
        for (a, b) in x.split(' ').zip(y.split(' ')) {
            let ((image, on_disk), (_, generated)) = (split_pin(a), split_pin(b));
            if on_disk != generated && !found.iter().any(|m| m.image == image) {
                found.push(Moved {
                    image: image.to_string(),
                    on_disk: on_disk.map(str::to_string),
                    generated: generated.map(str::to_string),
                });
            }
        }
    }
    Some(found)
}

/// How a digests file is named in messages: its path in the project, or as given.
pub fn shown(place: &crate::settings::Place) -> String {
    match place {
        crate::settings::Place::Project { rel, .. } => rel.clone(),
        crate::settings::Place::Anywhere(path) => path.display().to_string(),
    }
}

/// What `check` says about one moved image; `digests` is the digests file the settings name.
pub fn explain(moved: &Moved, digests: Option<&str>) -> String {
    let image = &moved.image;
    match (&moved.on_disk, &moved.generated, digests) {
        (Some(now), Some(was), Some(file)) => format!(
            "{image} moved from {was} to {now} in the Dockerfile; the digests file {file} still records {was}: update it with `shiplight pins --resolve`, or let the update bot move both files in one pull request (see docs/pins.md); if the digests file is the older by intent, `shiplight init --force` writes its digest back"
        ),
        (Some(now), _, Some(file)) => format!(
            "{image} is pinned to {now} in the Dockerfile, and the digests file {file} does not list it: add it with `shiplight pins --resolve` (see docs/pins.md)"
        ),
        (Some(now), _, None) => format!(
            "{image} is pinned to {now} in the Dockerfile, and no digests file records it, so regenerating would drop the pin: name one (`digests = \"images.lock\"` in shiplight.toml) and run `shiplight pins --resolve` (see docs/pins.md)"
        ),
        (None, Some(pin), file) => format!(
            "the digests file {} pins {image} to {pin}, and the Dockerfile names it without a digest: `shiplight init --force` writes the pin in",
            file.unwrap_or("")
        ),
        (None, None, _) => format!("{image}: no digest on either side"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(c: char) -> String {
        format!("sha256:{}", c.to_string().repeat(64))
    }

    #[test]
    fn a_moved_from_digest_is_named_and_anything_else_is_not_a_move() {
        let generated = format!(
            "# Evidence: a -> b <- go.mod:3\nFROM golang:1.26@{} AS build\nFROM gcr.io/x:nonroot@{} AS runtime-production\nRUN true\n",
            digest('a'),
            digest('b')
        );
        let bot = generated.replace(&digest('a'), &digest('c'));
        let moved = moved(&bot, &generated).unwrap();
        assert_eq!(
            moved,
            vec![Moved {
                image: "golang:1.26".to_string(),
                on_disk: Some(digest('c')),
                generated: Some(digest('a')),
            }]
        );
        assert!(explain(&moved[0], Some("images.lock")).starts_with(&format!(
            "golang:1.26 moved from {} to {} in the Dockerfile; the digests file images.lock still records {}",
            digest('a'),
            digest('c'),
            digest('a')
        )));
        let record_moved = bot.replace("go.mod:3", "go.mod:4");
        assert_eq!(super::moved(&record_moved, &generated).unwrap().len(), 1);
        assert_eq!(super::moved(&generated, &generated), Some(Vec::new()));
        let edited = bot.replace("RUN true", "RUN false");
        assert_eq!(super::moved(&edited, &generated), None);
        let unpinned = generated.replace(&format!("@{}", digest('a')), "");
        let added = super::moved(&generated, &unpinned).unwrap();
        assert_eq!(added[0].generated, None);
        assert!(explain(&added[0], None).contains("no digests file records it"));
        assert!(!same_but_digests(
            &generated.replace(&digest('a'), "sha256:short"),
            &generated
        ));
    }
}
