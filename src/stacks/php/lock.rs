//! Reading composer.lock: the names of the packages it locks.

use crate::facts::DetectError;
use crate::manifest::{Shaped, deserialize_shaped};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// The names of the packages a composer.lock (`text`) locks: each string `name` of an object in
/// its `packages` list. The lock is deserialized into the names alone ([`Names`]), skipping
/// every other value, since building the whole document of a lock takes most of the run (a
/// lock of a few hundred KiB, milliseconds); it takes the names the parsed document gives and
/// refuses the same invalid JSON. The values of the keys it does not want, most of the lock,
/// are skipped by serde_json's own skipping, which neither recurses nor builds anything (a
/// fifth fewer instructions than going through a visitor), and so has no nesting limit: a
/// value there nested deeper than the 128 levels the parsed document allows is read, not
/// refused. A value of another shape where names are looked for (a `packages` that is not a
/// list, an entry that is not an object, a `name` that is not a string) is skipped as every
/// shaped value is ([`crate::manifest::Skip`]), within the limit.
pub fn locked_packages(text: &str) -> Result<Vec<String>, DetectError> {
    serde_json::from_str::<Names>(text)
        .map(|names| names.0)
        .map_err(|err| DetectError::Broken {
            file: "composer.lock".to_string(),
            line: Some(err.line()),
            cause: format!("invalid JSON: {err}"),
        })
}

/// The names [`locked_packages`] takes, from the whole parsed document.
#[cfg(test)]
fn document_packages(text: &str) -> Result<Vec<String>, DetectError> {
    Ok(crate::manifest::parse_json("composer.lock", text)?
        .get("packages")
        .and_then(|p| p.as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.get("name").and_then(|n| n.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default())
}

/// The package names of a composer.lock, read as the parsed document gives them: nothing when
/// the lock is not an object or its `packages` is not a list (the last `packages` key counts,
/// as the last `name` of a package does); a package that is not an object, or whose name is
/// not a string, is left out.
#[derive(Debug, Default, PartialEq, Eq)]
struct Names(Vec<String>);

/// A key, told apart only by whether it is the one wanted.
struct Key<const NAME: bool>(bool);

/// A value that is a string (`Some`), or anything else, skipped.
#[derive(Default)]
struct MaybeString(Option<String>);

/// One entry of `packages`: its name, when it is an object with a string `name`.
#[derive(Default)]
struct Package(Option<String>);

/// The `packages` value: the names of a list, nothing for anything else.
#[derive(Default)]
struct Packages(Vec<String>);

impl<'de, const NAME: bool> Deserialize<'de> for Key<NAME> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor<const NAME: bool>;
        impl<const NAME: bool> Visitor<'_> for KeyVisitor<NAME> {
            type Value = Key<NAME>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, key: &str) -> Result<Key<NAME>, E> {
                Ok(Key(key == if NAME { "name" } else { "packages" }))
            }
        }
        deserializer.deserialize_str(KeyVisitor::<NAME>)
    }
}

impl Shaped<'_> for MaybeString {
    fn from_text(text: &str) -> Self {
        MaybeString(Some(text.to_string()))
    }
}

impl<'de> Shaped<'de> for Package {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut name = None;
        while let Some(Key(wanted)) = map.next_key::<Key<true>>()? {
            if wanted {
                name = map.next_value::<MaybeString>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Package(name))
    }
}

impl<'de> Shaped<'de> for Packages {
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut names = Vec::new();
        while let Some(Package(name)) = seq.next_element::<Package>()? {
            names.extend(name);
        }
        Ok(Packages(names))
    }
}

impl<'de> Shaped<'de> for Names {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut names = Vec::new();
        while let Some(Key(wanted)) = map.next_key::<Key<false>>()? {
            if wanted {
                names = map.next_value::<Packages>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Names(names))
    }
}

deserialize_shaped!(MaybeString, Package, Packages, Names);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_alone_as_the_document_gives_them() {
        let locks = [
            r#"{"_readme": ["x"], "packages": [{"name": "laravel/framework", "version": "v11.0.0", "require": {"php": "^8.2"}, "extra": {"name": 1}}, {"name": 2}, "x", [1], {"version": "1"}, {"name": "a/b", "name": "c/d"}], "packages-dev": [{"name": "phpunit/phpunit"}], "aliases": [], "minimum-stability": "stable", "stability-flags": {}, "prefer-stable": true, "platform": {"php": ">=8.2"}, "plugin-api-version": "2.6.0", "x": null, "y": 1.5, "z": -1}"#,
            r#"{"packages": [{"name": "a/b"}], "packages": {"name": "c/d"}}"#,
            r#"{"packages": "none"}"#,
            r#"[{"packages": [{"name": "a/b"}]}]"#,
            r#"{"packages": [{"name": "caf\u00e9/x\"y"}]}"#,
        ];
        for lock in locks {
            let document = document_packages(lock).unwrap();
            let names = locked_packages(lock).unwrap();
            assert_eq!(names, document, "{lock}");
        }
        assert_eq!(
            locked_packages(locks[0]).unwrap(),
            ["laravel/framework", "c/d"]
        );
        let deep = format!(
            "{{\"packages\": [{{\"name\": \"a/b\", \"x\": {}{}}}]}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        assert_eq!(locked_packages(&deep).unwrap(), ["a/b"]);
        assert!(document_packages(&deep).is_err(), "the document stops at 128 levels");
        let entry = format!("{{\"packages\": [{}{}]}}", "[".repeat(200), "]".repeat(200));
        let names = locked_packages(&entry).unwrap_err().to_string();
        assert!(names.contains("recursion limit"), "{names}");
        let cut = format!("{{\"packages\": [{{\"x\": {}", "[".repeat(200));
        let names = locked_packages(&cut).unwrap_err().to_string();
        assert!(names.contains("composer.lock") && names.contains("EOF"), "{names}");
        let broken = "{\n\"packages\": [\n{\"name\": \"a/b\",}\n]}";
        let document = document_packages(broken).unwrap_err().to_string();
        let names = locked_packages(broken).unwrap_err();
        assert!(document.contains(&names.to_string()), "{document} / {names}");
    }
}
