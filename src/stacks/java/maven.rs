//! Maven: pom.xml files read with roxmltree (which refuses DTDs, so no entity can expand), the
//! reactor's modules, properties resolved through the parents and aggregators, and the runnable
//! artefact each module's default build, or its active profiles, produce.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use super::{Artefact, JavaFacts, MAX_MODULES, Module, Runnable, Tool};
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::lines::Starts;
use crate::repo::MANIFEST_CAP;
use crate::repo::{self, Repo};
use crate::safe;
use std::collections::BTreeMap;
use std::rc::Rc;

/// How deep `<modules>` may nest.
const MAX_DEPTH: usize = 8;

/// One `<plugin>`: its coordinates, line, and the text of every element inside it, then the
/// `<pluginManagement>` declarations that apply to it (shared, not copied, between the
/// profiles that run the same plugin).
#[derive(Debug, Clone)]
struct Plugin {
    artifact: String,
    version: Option<String>,
    line: usize,
    texts: Vec<(String, String)>,
    managed: Vec<Rc<Plugin>>,
}

impl Plugin {
    /// The first text of `tag`: its own, else the first its management gives.
    fn get(&self, tag: &str) -> Option<&str> {
        self.own(tag)
            .or_else(|| self.managed.iter().find_map(|m| m.get(tag)))
    }

    /// Whether `tag` has `value`: among its own texts, or (for a tag it lacks) as its
    /// management first gives it.
    fn has(&self, tag: &str, value: &str) -> bool {
        self.texts.iter().any(|(t, v)| t == tag && v == value)
            || (self.own(tag).is_none()
                && self.managed.iter().find_map(|m| m.get(tag)) == Some(value))
    }

    fn own(&self, tag: &str) -> Option<&str> {
        self.texts
            .iter()
            .find(|(t, _)| t == tag)
            .map(|(_, v)| v.as_str())
    }
}

/// One `<profile>` with the plugins it adds.
#[derive(Debug, Clone)]
struct Profile {
    id: String,
    active_by_default: bool,
    /// `<activation>` conditions other than activeByDefault, with the line of `<activation>`.
    activation: Option<(Activation, usize)>,
    plugins: Vec<Plugin>,
    /// The `<modules>` it adds to the reactor, with their lines.
    modules: Vec<(String, usize)>,
}

/// The conditions of a profile's `<activation>` that shiplight evaluates; all must hold.
#[derive(Debug, Clone, Default)]
struct Activation {
    file_exists: Option<String>,
    file_missing: Option<String>,
    jdk: Option<String>,
    /// `<property><name>`: a leading `!` means "when not set".
    property: Option<String>,
}

impl Activation {
    fn read(node: roxmltree::Node) -> Option<Activation> {
        let file = child(node, "file");
        let property = child(node, "property").and_then(|p| text_of(p, "name"));
        let activation = Activation {
            file_exists: file.and_then(|f| text_of(f, "exists")),
            file_missing: file.and_then(|f| text_of(f, "missing")),
            jdk: text_of(node, "jdk"),
            property,
        };
        let any = activation.file_exists.is_some()
            || activation.file_missing.is_some()
            || activation.jdk.is_some()
            || activation.property.is_some();
        any.then_some(activation)
    }

    /// Whether the conditions hold for the module in `dir`, built with Java `release`: files
    /// are looked up inside the project, no `-D` property is set, and the JDK is the release.
    fn holds(&self, repo: &Repo, dir: &str, release: Option<u32>) -> bool {
        let path = |value: &str| {
            let value = value
                .trim()
                .trim_start_matches("${project.basedir}/")
                .trim_start_matches("${basedir}/");
            repo::within(dir, value).ok()
        };
        let exists = |value: &str| path(value).is_some_and(|p| repo.exists(&p));
        self.file_exists.as_deref().is_none_or(exists)
            && self
                .file_missing
                .as_deref()
                .is_none_or(|v| path(v).is_some() && !exists(v))
            && self
                .property
                .as_deref()
                .is_none_or(|name| name.starts_with('!'))
            && self
                .jdk
                .as_deref()
                .is_none_or(|jdk| release.is_some_and(|r| jdk_matches(jdk, r)))
    }
}

/// Whether a `<jdk>` activation (`17`, `1.8`, `!1.8`, `[17,)`, `[11,21)`) admits major `release`.
fn jdk_matches(spec: &str, release: u32) -> bool {
    let spec = spec.trim();
    if let Some(negated) = spec.strip_prefix('!') {
        return !jdk_matches(negated, release);
    }
    let major = |v: &str| -> Option<u32> {
        let v = v.trim();
        let v = v.strip_prefix("1.").unwrap_or(v);
        v.split('.').next()?.parse().ok()
    };
    if let Some(inner) = spec
        .strip_prefix(['[', '('])
        .and_then(|rest| rest.strip_suffix([']', ')']))
    {
        let (low, high) = inner.split_once(',').unwrap_or((inner, inner));
        let low_ok = match major(low) {
            Some(low) if spec.starts_with('[') => release >= low,
            Some(low) => release > low,
            None => true,
        };
        let high_ok = match major(high) {
            Some(high) if spec.ends_with(']') => release <= high,
            Some(high) => release < high,
            None => true,
        };
        return low_ok && high_ok;
    }
    major(spec) == Some(release)
}

/// What one pom.xml says that shiplight uses.
#[derive(Debug, Clone)]
struct Pom {
    file: String,
    dir: String,
    artifact_id: String,
    /// Its groupId, else its parent's.
    group: Option<String>,
    version: Option<String>,
    packaging: String,
    /// `(groupId, artifactId, version)` of `<parent>`.
    parent: Option<(String, String, Option<String>)>,
    properties: BTreeMap<String, (String, usize)>,
    final_name: Option<(String, usize)>,
    plugins: Vec<Plugin>,
    profiles: Vec<Profile>,
    modules: Vec<(String, usize)>,
    /// `(groupId, artifactId)` of `<dependencies>` outside the test scope.
    dependencies: Vec<(String, String)>,
    /// The artifactIds of `<reporting>`'s plugins, with their lines.
    reports: Vec<(String, usize)>,
}

impl Pom {
    /// `groupId:artifactId`, the groupId its own or its parent's.
    fn key(&self) -> String {
        let group = self.group.as_deref().unwrap_or_default();
        format!("{group}:{}", self.artifact_id)
    }

    /// The keys of its dependencies, a `${...}` groupId read as its own.
    fn dependency_keys(&self) -> impl Iterator<Item = String> + '_ {
        self.dependencies.iter().map(|(group, artifact)| {
            let group = if group.starts_with("${") {
                self.group.as_deref().unwrap_or_default()
            } else {
                group
            };
            format!("{group}:{artifact}")
        })
    }
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn text_of(node: roxmltree::Node, name: &str) -> Option<String> {
    child(node, name)
        .and_then(|c| c.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn line(starts: &Starts, node: roxmltree::Node) -> usize {
    starts.line(node.range().start)
}

fn plugins(starts: &Starts, build: Option<roxmltree::Node>) -> Vec<Plugin> {
    let Some(list) = build.and_then(|b| child(b, "plugins")) else {
        return Vec::new();
    };
    list.children()
        .filter(|c| c.is_element() && c.tag_name().name() == "plugin")
        .map(|plugin| Plugin {
            artifact: text_of(plugin, "artifactId").unwrap_or_default(),
            version: text_of(plugin, "version"),
            line: line(starts, plugin),
            texts: plugin
                .descendants()
                .filter(|d| d.is_element())
                .filter_map(|d| {
                    let text = d.text()?.trim();
                    (!text.is_empty()).then(|| (d.tag_name().name().to_string(), text.to_string()))
                })
                .collect(),
            managed: Vec::new(),
        })
        .collect()
}

fn parse(file: &str, dir: &str, text: &str) -> Result<Pom, DetectError> {
    let doc = roxmltree::Document::parse(text).map_err(|err| DetectError::Broken {
        file: file.to_string(),
        line: Some(err.pos().row as usize),
        cause: format!("invalid XML: {err}"),
    })?;
    let starts = Starts::new(text);
    let project = doc.root_element();
    if project.tag_name().name() != "project" {
        return Err(DetectError::Broken {
            file: file.to_string(),
            line: Some(1),
            cause: "the root element is not <project>".to_string(),
        });
    }
    let parent = child(project, "parent").map(|p| {
        (
            text_of(p, "groupId").unwrap_or_default(),
            text_of(p, "artifactId").unwrap_or_default(),
            text_of(p, "version"),
        )
    });
    let artifact_id = text_of(project, "artifactId").ok_or_else(|| DetectError::Broken {
        file: file.to_string(),
        line: None,
        cause: "has no <artifactId>".to_string(),
    })?;
    let build = child(project, "build");
    let final_name = build
        .and_then(|b| child(b, "finalName"))
        .map(|n| (n.text().unwrap_or("").trim().to_string(), line(&starts, n)));
    let global = managed(plugins(
        &starts,
        build.and_then(|b| child(b, "pluginManagement")),
    ));
    let modules = modules(&starts, project);
    let packaging = text_of(project, "packaging").unwrap_or_else(|| "jar".to_string());
    Ok(Pom {
        file: file.to_string(),
        dir: dir.to_string(),
        artifact_id,
        group: text_of(project, "groupId").or_else(|| parent.as_ref().map(|p| p.0.clone())),
        version: text_of(project, "version"),
        parent,
        properties: pom_properties(&starts, project),
        final_name,
        plugins: with_managed(
            plugins(&starts, build),
            &Managed::new(),
            &global,
            &packaging,
        ),
        packaging,
        profiles: profiles(&starts, project, &global),
        modules,
        dependencies: dependencies(project),
        reports: reports(&starts, project),
    })
}

/// The artifactIds of the `<reporting>` plugins, with their lines.
fn reports(starts: &Starts, project: roxmltree::Node) -> Vec<(String, usize)> {
    plugins(starts, child(project, "reporting"))
        .into_iter()
        .map(|p| (p.artifact, p.line))
        .collect()
}

/// The plugins only `<reporting>` names, which a package build never runs: those no pom's
/// build or profile runs, with names that pass [`safe::name`] and the line naming them.
fn report_only(poms: &[(Pom, Option<usize>)]) -> Vec<(String, Evidence)> {
    let built: HashSet<&str> = poms
        .iter()
        .flat_map(|(pom, _)| {
            pom.plugins
                .iter()
                .chain(pom.profiles.iter().flat_map(|p| p.plugins.iter()))
        })
        .map(|p| p.artifact.as_str())
        .collect();
    let mut seen = HashSet::new();
    poms.iter()
        .flat_map(|(pom, _)| pom.reports.iter().map(move |r| (pom, r)))
        .filter(|(pom, (artifact, _))| {
            !built.contains(artifact.as_str())
                && safe::name(&pom.file, "reporting plugin", artifact).is_ok()
        })
        .filter(|(_, (artifact, _))| seen.insert(artifact.clone()))
        .map(|(pom, (artifact, line))| {
            let detail = format!("reporting plugin {artifact}");
            (artifact.clone(), Evidence::line(pom.file.clone(), *line, detail))
        })
        .collect()
}

/// The `<modules>` of a `<project>` or `<profile>`, with their lines.
fn modules(starts: &Starts, node: roxmltree::Node) -> Vec<(String, usize)> {
    child(node, "modules")
        .map(|list| {
            list.children()
                .filter(|c| c.is_element() && c.tag_name().name() == "module")
                .filter_map(|m| Some((m.text()?.trim().to_string(), line(starts, m))))
                .collect()
        })
        .unwrap_or_default()
}

/// The `(groupId, artifactId)` a pom's `<dependencies>` name outside the test scope.
fn dependencies(project: roxmltree::Node) -> Vec<(String, String)> {
    child(project, "dependencies")
        .map(|list| {
            list.children()
                .filter(|c| c.is_element() && c.tag_name().name() == "dependency")
                .filter(|d| text_of(*d, "scope").as_deref() != Some("test"))
                .filter_map(|d| {
                    Some((text_of(d, "groupId").unwrap_or_default(), text_of(d, "artifactId")?))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A pom's `<properties>`: each name with its text and line.
fn pom_properties(starts: &Starts, project: roxmltree::Node) -> BTreeMap<String, (String, usize)> {
    child(project, "properties")
        .map(|props| {
            props
                .children()
                .filter(|c| c.is_element())
                .map(|c| {
                    let value = c.text().unwrap_or("").trim().to_string();
                    (c.tag_name().name().to_string(), (value, line(starts, c)))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A pom's `<profiles>`: each with its activation and the plugins it runs, configured by its
/// own `<pluginManagement>` and then the pom's (`global`).
fn profiles(starts: &Starts, project: roxmltree::Node, global: &Managed) -> Vec<Profile> {
    child(project, "profiles")
        .map(|list| {
            list.children()
                .filter(|c| c.is_element() && c.tag_name().name() == "profile")
                .map(|profile| Profile {
                    id: text_of(profile, "id").unwrap_or_default(),
                    active_by_default: child(profile, "activation")
                        .and_then(|a| text_of(a, "activeByDefault"))
                        .is_some_and(|v| v == "true"),
                    activation: child(profile, "activation")
                        .and_then(|a| Some((Activation::read(a)?, line(starts, a)))),
                    plugins: {
                        let build = child(profile, "build");
                        let own = managed(plugins(
                            starts,
                            build.and_then(|b| child(b, "pluginManagement")),
                        ));
                        with_managed(plugins(starts, build), &own, global, "")
                    },
                    modules: modules(starts, profile),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The plugins that run, with the configuration `<pluginManagement>` gives them: a managed
/// plugin's settings apply where the plugin runs, and maven-jar-plugin runs in every `jar`
/// build, declared or not. `own` (a profile's management) applies before `managed`.
fn with_managed(
    mut running: Vec<Plugin>,
    own: &Managed,
    managed: &Managed,
    packaging: &str,
) -> Vec<Plugin> {
    let mut seen: HashSet<String> = HashSet::new();
    for plugin in running.iter_mut() {
        if !seen.insert(plugin.artifact.clone()) {
            continue;
        }
        for source in [own, managed]
            .iter()
            .filter_map(|m| m.get(&plugin.artifact))
        {
            if plugin.version.is_none() {
                plugin.version = source.version.clone();
            }
            plugin.managed.push(Rc::clone(source));
        }
    }
    if packaging == "jar" && !seen.contains("maven-jar-plugin") {
        let mut jar: Option<Plugin> = None;
        for source in [own, managed]
            .iter()
            .filter_map(|m| m.get("maven-jar-plugin"))
        {
            match &mut jar {
                Some(plugin) => {
                    if plugin.version.is_none() {
                        plugin.version = source.version.clone();
                    }
                    plugin.managed.push(Rc::clone(source));
                }
                None => jar = Some(Plugin::clone(source)),
            }
        }
        running.extend(jar);
    }
    running
}

/// A `<pluginManagement>`'s plugins by artifact, the declarations of one artifact applied to
/// its first in order (as applying each in turn where the plugin runs would).
type Managed = HashMap<String, Rc<Plugin>>;

fn managed(plugins: Vec<Plugin>) -> Managed {
    let mut folded: HashMap<String, (Plugin, HashSet<String>)> = HashMap::new();
    for plugin in plugins {
        match folded.get_mut(&plugin.artifact) {
            Some((first, tags)) => {
                for (tag, value) in plugin.texts {
                    if tags.insert(tag.clone()) {
                        first.texts.push((tag, value));
                    }
                }
                if first.version.is_none() {
                    first.version = plugin.version;
                }
            }
            None => {
                let tags = plugin.texts.iter().map(|(t, _)| t.clone()).collect();
                folded.insert(plugin.artifact.clone(), (plugin, tags));
            }
        }
    }
    folded
        .into_iter()
        .map(|(artifact, (plugin, _))| (artifact, Rc::new(plugin)))
        .collect()
}

/// Reads the reactor: the root pom.xml and every module it lists, breadth first, bounded.
pub fn read(repo: &Repo) -> Result<JavaFacts, DetectError> {
    let mut poms: Vec<(Pom, Option<usize>)> = Vec::new();
    let mut optional: Vec<bool> = Vec::new();
    let mut added_by: Vec<Option<(String, Evidence)>> = Vec::new();
    let mut reactors: Vec<String> = Vec::new();
    let mut outside: Vec<String> = Vec::new();
    let mut queue: Vec<Queued> = vec![(String::new(), None, 0, false, None)];
    loop {
    while let Some((dir, parent, depth, by_profile, added)) =
        (!queue.is_empty()).then(|| queue.remove(0))
    {
        let file = repo::join(&dir, "pom.xml");
        let text = repo.read_text(&file, MANIFEST_CAP)?;
        if text.is_none() && added.is_some() {
            continue;
        }
        let Some(text) = text else {
            let declared = parent.map(|p| poms[p].0.file.clone()).unwrap_or_default();
            return Err(DetectError::Broken {
                file: declared,
                line: None,
                cause: format!("lists module {dir}, but {file} does not exist"),
            });
        };
        let pom = parse(&file, &dir, &text)?;
        let index = poms.len();
        let mut listed: Vec<(&(String, usize), bool)> =
            pom.modules.iter().map(|m| (m, by_profile)).collect();
        for profile in pom.profiles.iter().filter(|p| p.active(repo, &dir, None)) {
            listed.extend(
                profile
                    .modules
                    .iter()
                    .filter(|(m, _)| !pom.modules.iter().any(|(n, _)| n == m))
                    .map(|m| (m, true)),
            );
        }
        let mut seen = HashSet::new();
        listed.retain(|((m, _), _)| seen.insert(m.clone()));
        let added_by_parent = added.clone();
        for ((module, at), added) in listed {
            let module = module.trim_end_matches("/pom.xml").trim_end_matches('/');
            let rel = safe::relative_path(&file, "module", module)
                .map_err(|err| err.at_line(Some(*at)))?;
            if depth + 1 > MAX_DEPTH || poms.len() + queue.len() >= MAX_MODULES {
                return Err(DetectError::Broken {
                    file: file.clone(),
                    line: Some(*at),
                    cause: format!(
                        "the reactor is deeper than {MAX_DEPTH} levels or larger than {MAX_MODULES} modules, so shiplight cannot tell which module is the application; build the application's module as a project of its own"
                    ),
                });
            }
            queue.push((
                repo::join(&dir, rel.trim_start_matches("./")),
                Some(index),
                depth + 1,
                added,
                added_by_parent.clone(),
            ));
        }
        queue_inactive(repo, &pom, &dir, index, depth, &added, poms.len(), &mut queue);
        reactors.push(parent.map_or_else(|| dir.clone(), |p| reactors[p].clone()));
        poms.push((pom, parent));
        optional.push(by_profile);
        added_by.push(added);
    }
    if !outside.is_empty() || poms.len() >= MAX_MODULES {
        break;
    }
    outside = outside_reactors(repo, &poms)?;
    if outside.is_empty() {
        break;
    }
    queue.extend(outside.iter().map(|dir| (dir.clone(), None, 1, false, None)));
    }
    let wrapper = super::wrapper(repo, "mvnw", ".mvn/wrapper/maven-wrapper.properties")?;
    let mut build_files: Vec<String> = poms.iter().map(|(pom, _)| pom.file.clone()).collect();
    let mut build_dirs = Vec::new();
    if repo
        .list_dir("", |name, kind| name == ".mvn" && kind.is_dir())
        .len()
        == 1
    {
        build_dirs.push(".mvn".to_string());
    }
    if let Some((script, _)) = &wrapper {
        build_files.insert(0, script.clone());
    }
    let mut modules = Vec::new();
    let keys: HashSet<String> = poms.iter().map(|(p, _)| p.key()).collect();
    let config = config_properties(repo)?;
    for index in 0..poms.len() {
        let mut module = module(repo, &poms, index, &config)?;
        let pom = &poms[index].0;
        module.key = pom.key();
        module.by_profile = optional[index];
        module.depends = pom.dependency_keys().filter(|k| keys.contains(k)).collect();
        if !reactors[index].is_empty() {
            let root = &poms[0].0;
            let reactor = repo::join(&reactors[index], "pom.xml");
            let detail = format!(
                "inherits from the root pom ({}), which does not list it among its modules: a reactor of its own",
                root.artifact_id
            );
            module.reactor = Some((reactors[index].clone(), Evidence::file(reactor, detail)));
        }
        modules.push(module);
    }
    launched_elsewhere(repo, &mut modules)?;
    for (module, added) in modules.iter_mut().zip(added_by) {
        only_with_profile(module, added);
    }
    Ok(JavaFacts {
        tool: Tool::Maven,
        tool_evidence: Evidence::file("pom.xml", "Maven project"),
        wrapper,
        build_files,
        build_dirs,
        modules,
        deployed: None,
        documented: None,
        reports: report_only(&poms),
        profile_ids: poms
            .iter()
            .flat_map(|(pom, _)| pom.profiles.iter().map(|p| p.id.clone()))
            .filter(|id| !id.is_empty())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    })
}

/// Directories just below the root whose pom.xml inherits from the root pom while the root
/// (an aggregator) does not list them: reactors of their own in the same project (a back-end
/// built apart from the libraries the root builds), read after the root's reactor.
fn outside_reactors(repo: &Repo, poms: &[(Pom, Option<usize>)]) -> Result<Vec<String>, DetectError> {
    let Some((root, _)) = poms.first().filter(|(p, _)| p.dir.is_empty() && p.packaging == "pom")
    else {
        return Ok(Vec::new());
    };
    let mut dirs = repo.list_dir("", |name, kind| {
        kind.is_dir()
            && !name.starts_with('.')
            && !matches!(name, "node_modules" | "target" | "vendor" | "build")
    });
    dirs.sort();
    let mut found = Vec::new();
    for dir in dirs {
        if poms.iter().any(|(pom, _)| pom.dir == dir) {
            continue;
        }
        let file = repo::join(&dir, "pom.xml");
        let Some(text) = repo.read_text(&file, MANIFEST_CAP)? else {
            continue;
        };
        let Ok(pom) = parse(&file, &dir, &text) else {
            continue;
        };
        let inherits = pom.parent.as_ref().is_some_and(|(group, artifact, _)| {
            format!("{group}:{artifact}") == root.key()
        });
        if inherits && safe::relative_path(&file, "reactor", &dir).is_ok() {
            found.push(dir);
        }
    }
    Ok(found)
}

/// A pom to read: its directory, the pom listing it, its depth, whether a profile active by
/// default adds it, and the profile not active by default whose `<modules>` adds it.
type Queued = (String, Option<usize>, usize, bool, Option<(String, Evidence)>);

/// Queues the modules that only a profile of `pom` not active by default adds to the reactor
/// (`mvn -P ID` builds them), each with the line naming it. They are read when they exist and
/// the reactor's bounds allow; a module already listed elsewhere is not queued twice.
#[allow(clippy::too_many_arguments)]
fn queue_inactive(
    repo: &Repo,
    pom: &Pom,
    dir: &str,
    index: usize,
    depth: usize,
    inherited: &Option<(String, Evidence)>,
    read: usize,
    queue: &mut Vec<Queued>,
) {
    for profile in pom.profiles.iter().filter(|p| !p.active(repo, dir, None)) {
        for (module, at) in &profile.modules {
            let module = module.trim_end_matches("/pom.xml").trim_end_matches('/');
            let Ok(rel) = safe::relative_path(&pom.file, "module", module) else {
                continue;
            };
            let path = repo::join(dir, rel.trim_start_matches("./"));
            let listed = pom.modules.iter().any(|(m, _)| m.trim_end_matches('/') == module)
                || queue.iter().any(|q| q.0 == path);
            if listed
                || profile.id.is_empty()
                || safe::name(&pom.file, "profile", &profile.id).is_err()
                || depth + 1 > MAX_DEPTH
                || read + queue.len() + 1 >= MAX_MODULES
            {
                continue;
            }
            let added = inherited.clone().unwrap_or_else(|| {
                (
                    profile.id.clone(),
                    Evidence::line(
                        &pom.file,
                        *at,
                        format!("only profile {} adds module {module} to the reactor", profile.id),
                    ),
                )
            });
            queue.push((path, Some(index), depth + 1, false, Some(added)));
        }
    }
}

/// A module only a profile not active by default adds is runnable under that profile only:
/// what its build produces moves to the profile, and the module says which profile builds it.
fn only_with_profile(module: &mut Module, added: Option<(String, Evidence)>) {
    let Some((id, evidence)) = added else {
        return;
    };
    if let Some(mut runnable) = module.runnable.take() {
        runnable.profile = Some(id.clone());
        module.profiles = vec![runnable];
    } else {
        module.profiles.clear();
    }
    if module.hint.as_deref() != Some("packaging pom: an aggregator") {
        module.hint = Some(format!("only profile {id}'s <modules> adds it to the build"));
    }
    module.added_by = Some((id, evidence));
}

/// Properties visible to a pom: those of the poms it inherits from first, its own over them,
/// `.mvn/maven.config`'s over all.
fn properties(
    poms: &[(Pom, Option<usize>)],
    chain: &[usize],
    config: &BTreeMap<String, (String, usize)>,
) -> BTreeMap<String, (String, String, usize)> {
    let mut merged = BTreeMap::new();
    for &i in chain.iter().rev() {
        let pom = &poms[i].0;
        for (key, (value, line)) in &pom.properties {
            merged.insert(key.clone(), (value.clone(), pom.file.clone(), *line));
        }
    }
    for (key, (value, line)) in config {
        merged.insert(
            key.clone(),
            (value.clone(), ".mvn/maven.config".to_string(), *line),
        );
    }
    merged
}

/// The pom at `index` and the poms it inherits from, nearest first: at each step the
/// `<parent>` it declares when that parent is in the reactor (wherever its `relativePath`
/// puts it), else its aggregator.
fn chain(poms: &[(Pom, Option<usize>)], index: usize) -> Vec<usize> {
    let mut chain = vec![index];
    loop {
        let last = *chain.last().expect("non-empty");
        let declared = poms[last].0.parent.as_ref().and_then(|(group, artifact, _)| {
            let key = format!("{group}:{artifact}");
            poms.iter().position(|(pom, _)| pom.key() == key)
        });
        match declared.filter(|i| !chain.contains(i)).or(poms[last].1) {
            Some(next) if !chain.contains(&next) => chain.push(next),
            _ => return chain,
        }
    }
}

/// The `-Dname=value` properties of `.mvn/maven.config`, which every build of the project
/// passes to Maven, with their line.
fn config_properties(repo: &Repo) -> Result<BTreeMap<String, (String, usize)>, DetectError> {
    let file = ".mvn/maven.config";
    let mut found = BTreeMap::new();
    let Some(text) = repo.read_text(file, MANIFEST_CAP)? else {
        return Ok(found);
    };
    for (index, line) in text.lines().enumerate() {
        for word in line.split_whitespace() {
            if let Some((key, value)) = word.strip_prefix("-D").and_then(|w| w.split_once('='))
            {
                found.insert(key.to_string(), (value.to_string(), index + 1));
            }
        }
    }
    Ok(found)
}

/// Expands `${...}` references from the properties and the project's coordinates; a reference
/// that cannot be resolved is an error naming the file and line.
fn expand(
    value: &str,
    props: &BTreeMap<String, (String, String, usize)>,
    pom: &Pom,
    version: &str,
    field: &str,
    at: usize,
) -> Result<String, DetectError> {
    let mut out = value.to_string();
    for _ in 0..8 {
        let Some(start) = out.find("${") else {
            return Ok(out);
        };
        let Some(len) = out[start..].find('}') else {
            break;
        };
        let key = &out[start + 2..start + len];
        let replacement = match key {
            "project.artifactId" | "artifactId" | "pom.artifactId" => pom.artifact_id.clone(),
            "project.version" | "version" | "pom.version" | "project.parent.version" => {
                version.to_string()
            }
            _ => match props.get(key) {
                Some((value, _, _)) => value.clone(),
                None => {
                    return Err(DetectError::Broken {
                        file: pom.file.clone(),
                        line: Some(at),
                        cause: format!(
                            "{field} uses ${{{key}}}, which is not a property of the project; set it in <properties> or write the value"
                        ),
                    });
                }
            },
        };
        out.replace_range(start..start + len + 1, &replacement);
    }
    Err(DetectError::Broken {
        file: pom.file.clone(),
        line: Some(at),
        cause: format!("{field} {value:?} does not resolve to a plain value"),
    })
}

/// The module the pom at `index` builds: its release and version, the runnable artefact of
/// its default build and of each other profile, its port and health check, or why it builds
/// nothing runnable.
fn module(
    repo: &Repo,
    poms: &[(Pom, Option<usize>)],
    index: usize,
    config: &BTreeMap<String, (String, usize)>,
) -> Result<Module, DetectError> {
    let pom = &poms[index].0;
    let chain = chain(poms, index);
    let props = properties(poms, &chain, config);
    let raw_version = chain
        .iter()
        .find_map(|&i| poms[i].0.version.clone())
        .or_else(|| pom.parent.as_ref().and_then(|p| p.2.clone()))
        .unwrap_or_else(|| "0".to_string());
    let version = expand(&raw_version, &props, pom, "0", "version", 1)?;
    let resolve =
        |value: &str, field: &str, at: usize| expand(value, &props, pom, &version, field, at);

    let release = release(pom, &props, &resolve)?;
    let mut module = Module {
        dir: pom.dir.clone(),
        name: pom.artifact_id.clone(),
        manifest: pom.file.clone(),
        release,
        runnable: None,
        profiles: Vec::new(),
        hint: None,
        port: None,
        health: None,
        spring: Default::default(),
        key: String::new(),
        by_profile: false,
        added_by: None,
        depends: Vec::new(),
        distributed: false,
        launches: Vec::new(),
        jar: None,
        reactor: None,
        about: crate::manifest::About {
            version: (raw_version != "0").then(|| {
                (
                    version.clone(),
                    Evidence::file(
                        &pom.file,
                        format!("version {}", crate::shown::line(&version)),
                    ),
                )
            }),
            licenses: None,
        },
    };
    if pom.packaging == "pom" {
        module.hint = Some("packaging pom: an aggregator".to_string());
    }
    let inherited = chain[1..]
        .iter()
        .flat_map(|&i| {
            let ancestor = &poms[i].0;
            ancestor
                .profiles
                .iter()
                .filter(|p| !p.active_by_default && p.activation.is_some())
                .filter(move |p| !p.active(repo, &ancestor.dir, None))
                .map(move |p| (ancestor.file.as_str(), p))
        })
        .collect();
    let build = Build {
        pom,
        inherited,
        // An aggregator writes no jar: its finalName is never used (nor its errors shown).
        final_name: match pom.packaging.as_str() {
            "pom" => String::new(),
            _ => final_name(pom, &version, &resolve)?,
        },
        boot_version: boot_version(pom, &props),
        resolve: &resolve,
    };
    if pom.packaging == "pom" {
        if build.assembles() {
            module.launches = build.launched(repo)?;
        }
        return Ok(module);
    }
    module.distributed = build.assembles();
    if pom.packaging == "jar" {
        module.jar = Some(format!("target/{}.jar", build.final_name));
    }
    let release_major = module.release.as_ref().map(|(major, _)| *major);
    module.runnable = build.runnable(&build.default_plugins(repo, release_major))?;
    // The classes the distribution's start scripts launch, read once: its own main class, or
    // another module's.
    let launched = if module.runnable.is_none() && module.distributed {
        build.launched(repo)?
    } else {
        Vec::new()
    };
    if module.runnable.is_none() && pom.packaging == "jar" {
        module.runnable = build.main_class(repo, &props, poms.len() > 1, &launched)?;
    }
    module.profiles = build.profile_runnables(repo, release_major)?;
    if let Some(runnable) = module.runnable.as_ref().or(module.profiles.first()) {
        let framework = matches!(
            runnable.artefact,
            Artefact::SpringBoot { .. } | Artefact::Quarkus
        );
        module.port = super::port(repo, &pom.dir, framework)?;
        module.health = super::health(repo, &module.manifest)?;
        if matches!(runnable.artefact, Artefact::SpringBoot { .. }) {
            module.spring = super::spring::read(repo, &pom.dir)?;
        }
    }
    if module.runnable.is_none() {
        module.hint = Some(hint(module.profiles.first(), &pom.packaging));
        module.launches = launched;
    }
    Ok(module)
}

/// The name of the jar a module builds: its `<finalName>` resolved, else `artifactId-version`.
fn final_name(
    pom: &Pom,
    version: &str,
    resolve: &dyn Fn(&str, &str, usize) -> Result<String, DetectError>,
) -> Result<String, DetectError> {
    match &pom.final_name {
        Some((value, at)) => {
            let resolved = resolve(value, "<finalName>", *at)?;
            safe::name(&pom.file, "<finalName>", &resolved).map_err(|e| e.at_line(Some(*at)))
        }
        None => safe::name(
            &pom.file,
            "artifactId and version",
            &format!("{}-{version}", pom.artifact_id),
        ),
    }
}

/// The Spring Boot version in force: spring-boot-starter-parent's, else the
/// `spring-boot.version` property.
fn boot_version(pom: &Pom, props: &BTreeMap<String, (String, String, usize)>) -> Option<String> {
    match &pom.parent {
        Some((group, artifact, Some(version)))
            if group == "org.springframework.boot" && artifact == "spring-boot-starter-parent" =>
        {
            Some(version.clone())
        }
        _ => props.get("spring-boot.version").map(|(v, _, _)| v.clone()),
    }
}

impl Profile {
    /// Whether the profile runs in the default build of the module in `dir` built with Java
    /// `release`: active by default, or by an `<activation>` whose conditions hold.
    fn active(&self, repo: &Repo, dir: &str, release: Option<u32>) -> bool {
        self.active_by_default
            || self
                .activation
                .as_ref()
                .is_some_and(|(activation, _)| activation.holds(repo, dir, release))
    }
}

/// A plugin the build runs: the profile that adds it (none: the pom's own build), the plugin,
/// and the file declaring it.
type Active<'a> = (Option<&'a str>, &'a Plugin, &'a str);

/// What a module's runnable artefact is decided from once its pom is read: the pom, the jar
/// name its build gives, the Spring Boot version in force, and how `${...}` values resolve.
struct Build<'a> {
    pom: &'a Pom,
    /// Profiles of the poms it inherits from whose `<activation>` does not hold where they are
    /// declared (a file the module has, say), with the file declaring each.
    inherited: Vec<(&'a str, &'a Profile)>,
    final_name: String,
    boot_version: Option<String>,
    resolve: &'a dyn Fn(&str, &str, usize) -> Result<String, DetectError>,
}

impl Build<'_> {
    /// The plugins the default build runs: the pom's own, then those of each profile active
    /// for Java `release`, each with the profile that adds it.
    /// Inherited profiles whose activation holds for this module count as its own.
    fn default_plugins(&self, repo: &Repo, release: Option<u32>) -> Vec<Active<'_>> {
        let pom = self.pom;
        let mut default: Vec<Active> = pom
            .plugins
            .iter()
            .map(|plugin| (None, plugin, pom.file.as_str()))
            .collect();
        let own = pom.profiles.iter().map(|p| (pom.file.as_str(), p));
        for (file, profile) in own
            .chain(self.inherited.iter().copied())
            .filter(|(_, p)| p.active(repo, &pom.dir, release))
        {
            default.extend(
                profile
                    .plugins
                    .iter()
                    .map(|p| (Some(profile.id.as_str()), p, file)),
            );
        }
        default
    }

    /// The first runnable artefact the `active` plugins build, with evidence naming the plugin,
    /// its profile, and the `<activation>` that turns that profile on.
    fn runnable(&self, active: &[Active]) -> Result<Option<Runnable>, DetectError> {
        let pom = self.pom;
        for (profile, plugin, file) in active {
            let Some((artefact, path)) = self.artefact(plugin)? else {
                continue;
            };
            let activated = profile.and_then(|id| {
                pom.profiles
                    .iter()
                    .chain(self.inherited.iter().map(|(_, p)| *p))
                    .find(|p| p.id == id && !p.active_by_default)
                    .and_then(|p| p.activation.as_ref())
                    .map(|(_, at)| format!(", active by its <activation> at line {at}"))
            });
            let detail = format!(
                "{}{}{}",
                plugin.artifact,
                profile
                    .map(|p| format!(" in profile {p}"))
                    .unwrap_or_default(),
                activated.unwrap_or_default()
            );
            return Ok(Some(Runnable {
                artefact,
                evidence: Evidence::line(file.to_string(), plugin.line, detail),
                path: Some(path),
                profile: profile.map(str::to_string),
            }));
        }
        Ok(None)
    }

    /// The runnable artefact `plugin` builds and its path, if it builds one.
    fn artefact(&self, plugin: &Plugin) -> Result<Option<(Artefact, String)>, DetectError> {
        let (pom, final_name, resolve) = (self.pom, &self.final_name, self.resolve);
        Ok(match plugin.artifact.as_str() {
            "spring-boot-maven-plugin" => {
                let classifier = plugin
                    .get("classifier")
                    .map(|c| format!("-{c}"))
                    .unwrap_or_default();
                let version = match self.boot_version.as_deref().or(plugin.version.as_deref()) {
                    Some(v) => Some(resolve(v, "Spring Boot version", plugin.line)?),
                    None => None,
                };
                let layered = version.as_deref().is_some_and(super::boot_layered);
                let path = format!("target/{final_name}{classifier}.jar");
                let path = safe::relative_path(&pom.file, "<classifier>", &path)
                    .map_err(|e| e.at_line(Some(plugin.line)))?;
                Some((Artefact::SpringBoot { version, layered }, path))
            }
            "quarkus-maven-plugin" => Some((Artefact::Quarkus, "target/quarkus-app".to_string())),
            "maven-shade-plugin" if plugin.has("goal", "shade") && self.names_main(plugin) => {
                let name = if plugin.get("shadedArtifactAttached") == Some("true") {
                    format!(
                        "{final_name}-{}",
                        plugin.get("shadedClassifierName").unwrap_or("shaded")
                    )
                } else {
                    final_name.clone()
                };
                let name = safe::name(&pom.file, "shadedClassifierName", &name)
                    .map_err(|e| e.at_line(Some(plugin.line)))?;
                Some((Artefact::FatJar, format!("target/{name}.jar")))
            }
            "maven-assembly-plugin"
                if plugin.has("descriptorRef", "jar-with-dependencies")
                    && plugin.has("goal", "single")
                    && self.names_main(plugin) =>
            {
                let name = if plugin.get("appendAssemblyId") == Some("false") {
                    final_name.clone()
                } else {
                    format!("{final_name}-jar-with-dependencies")
                };
                Some((Artefact::FatJar, format!("target/{name}.jar")))
            }
            "maven-jar-plugin" | "exec-maven-plugin" if plugin.get("mainClass").is_some() => {
                let main = resolve(
                    plugin.get("mainClass").unwrap_or_default(),
                    "mainClass",
                    plugin.line,
                )?;
                let main_class = safe::argument(&pom.file, "mainClass", &main)
                    .map_err(|e| e.at_line(Some(plugin.line)))?;
                Some((
                    Artefact::Classpath { main_class },
                    format!("target/{final_name}.jar"),
                ))
            }
            _ => None,
        })
    }

    /// Whether the jar `plugin` assembles names the class it starts with: its own
    /// `<mainClass>` (or `Main-Class` manifest entry), or maven-jar-plugin's. A shaded or
    /// assembled jar without one is a library with its dependencies inside, not a program.
    fn names_main(&self, plugin: &Plugin) -> bool {
        let names = |p: &Plugin| p.get("mainClass").or(p.get("Main-Class")).is_some();
        names(plugin)
            || self
                .pom
                .plugins
                .iter()
                .any(|p| p.artifact == "maven-jar-plugin" && names(p))
    }

    /// Whether the module's build assembles a distribution (maven-assembly-plugin).
    fn assembles(&self) -> bool {
        self.pom
            .plugins
            .iter()
            .any(|p| p.artifact == "maven-assembly-plugin")
    }

    /// The classes the start scripts of the module's distribution launch: those of its
    /// `src/main/bin`, and of the directories its assembly descriptors copy to `bin/`.
    fn launched(&self, repo: &Repo) -> Result<Vec<(String, Evidence)>, DetectError> {
        let dir = &self.pom.dir;
        let mut bins = Vec::new();
        for plugin in self
            .pom
            .plugins
            .iter()
            .filter(|p| p.artifact == "maven-assembly-plugin")
        {
            for (_, descriptor) in plugin.texts.iter().filter(|(tag, _)| tag == "descriptor") {
                bins.extend(descriptor_bins(repo, dir, descriptor)?);
            }
        }
        super::script_classes(repo, dir, &bins)
    }

    /// The plain jar a `jar` module with no runnable plugin runs: the class the
    /// `exec.mainClass` property names, else (a module assembling a distribution) the class of
    /// its own sources its start script launches (among `launched`), else the project's single
    /// main class.
    fn main_class(
        &self,
        repo: &Repo,
        props: &BTreeMap<String, (String, String, usize)>,
        reactor: bool,
        launched: &[(String, Evidence)],
    ) -> Result<Option<Runnable>, DetectError> {
        let declared = match props.get("exec.mainClass") {
            Some((value, file, at)) => {
                let main = (self.resolve)(value, "exec.mainClass", *at)?;
                let main_class = safe::argument(file, "exec.mainClass", &main)
                    .map_err(|e| e.at_line(Some(*at)))?;
                Some((
                    main_class,
                    Evidence::line(file.clone(), *at, "exec.mainClass property"),
                ))
            }
            None if self.assembles() => {
                let mut own = None;
                for (class, evidence) in launched {
                    if super::holds_class(repo, &self.pom.dir, class)? {
                        own = Some((
                            safe::argument(&evidence.file, "main class", class)
                                .map_err(|e| e.at_line(evidence.line))?,
                            evidence.clone(),
                        ));
                        break;
                    }
                }
                own
            }
            // A lone main class decides only for a project of one module with no profile that
            // would build something runnable: in a reactor, a library may carry a main too.
            None if reactor || !self.pom.profiles.is_empty() => None,
            None => match super::single_main_class(repo, &self.pom.dir)? {
                Some((class, evidence)) => Some((
                    safe::argument(&evidence.file, "main class", &class)
                        .map_err(|e| e.at_line(evidence.line))?,
                    evidence,
                )),
                None => None,
            },
        };
        Ok(declared.map(|(main_class, evidence)| Runnable {
            artefact: Artefact::Classpath { main_class },
            evidence,
            path: Some(format!("target/{}.jar", self.final_name)),
            profile: None,
        }))
    }

    /// The runnable artefact each profile not active by default builds when passed with
    /// `--profile`, its plugins before the pom's own (a profile whose id cannot be written in
    /// a Dockerfile is left out: it cannot be named).
    fn profile_runnables(
        &self,
        repo: &Repo,
        release: Option<u32>,
    ) -> Result<Vec<Runnable>, DetectError> {
        let pom = self.pom;
        let mut found = Vec::new();
        for profile in pom
            .profiles
            .iter()
            .filter(|p| !p.active(repo, &pom.dir, release))
        {
            let Ok(id) = safe::name(&pom.file, "profile <id>", &profile.id) else {
                continue;
            };
            let mut active: Vec<Active> = profile
                .plugins
                .iter()
                .map(|p| (Some(id.as_str()), p, pom.file.as_str()))
                .collect();
            active.extend(
                pom.plugins
                    .iter()
                    .map(|plugin| (None, plugin, pom.file.as_str())),
            );
            if let Some(runnable) = self.runnable(&active)?
                && runnable.profile.is_some()
            {
                found.push(runnable);
            }
        }
        Ok(found)
    }
}

/// The directories (relative to the root, inside it) an assembly descriptor of the module in
/// `dir` copies into the distribution's `bin/`: `<fileSet>`s whose `<outputDirectory>` is
/// `bin`. A descriptor that cannot be read or parsed names none.
fn descriptor_bins(repo: &Repo, dir: &str, descriptor: &str) -> Result<Vec<String>, DetectError> {
    let relative = |value: &str| {
        let value = value
            .trim()
            .trim_start_matches("${project.basedir}")
            .trim_start_matches("${basedir}")
            .trim_start_matches('/');
        crate::repo::within(dir, if value.is_empty() { "." } else { value }).ok()
    };
    let Some(file) = relative(descriptor) else {
        return Ok(Vec::new());
    };
    let Some(text) = repo.read_text(&file, MANIFEST_CAP)? else {
        return Ok(Vec::new());
    };
    let Ok(doc) = roxmltree::Document::parse(&text) else {
        return Ok(Vec::new());
    };
    Ok(doc
        .descendants()
        .filter(|node| node.has_tag_name("fileSet"))
        .filter(|set| {
            text_of(*set, "outputDirectory")
                .is_some_and(|out| out.trim().trim_matches('/') == "bin")
        })
        .filter_map(|set| text_of(set, "directory").and_then(|d| relative(&d)))
        .collect())
}

/// Gives a module that builds nothing runnable by itself the class that another module's
/// distribution launches from its sources, run with its dependencies on the classpath, as
/// that distribution's start script does.
fn launched_elsewhere(repo: &Repo, modules: &mut [Module]) -> Result<(), DetectError> {
    let launches: Vec<(String, Evidence)> = modules
        .iter()
        .filter(|m| m.runnable.is_none())
        .flat_map(|m| {
            m.launches.iter().map(|(class, evidence)| {
                let detail = format!("{}, in the distribution {} assembles", evidence.detail, m.name);
                (class.clone(), Evidence { detail, ..evidence.clone() })
            })
        })
        .collect();
    for (class, evidence) in launches {
        for module in modules.iter_mut().filter(|m| m.runnable.is_none()) {
            let Some(jar) = module.jar.clone() else {
                continue;
            };
            if super::holds_class(repo, &module.dir, &class)? {
                let main_class = safe::argument(&evidence.file, "main class", &class)
                    .map_err(|e| e.at_line(evidence.line))?;
                module.runnable = Some(Runnable {
                    artefact: Artefact::Classpath { main_class },
                    evidence: evidence.clone(),
                    path: Some(jar),
                    profile: None,
                });
                module.hint = None;
                break;
            }
        }
    }
    Ok(())
}

/// Why a module builds nothing runnable by default and what would: the first profile that
/// does, else what its packaging lacks.
fn hint(profile: Option<&Runnable>, packaging: &str) -> String {
    match (profile, packaging) {
        (Some(runnable), _) => {
            let profile = runnable.profile.as_deref().unwrap_or_default();
            format!(
                "{} ({}:{}) runs only in profile {profile}, which is not active by default: pass --profile {profile}",
                runnable.evidence.detail.split(" in profile").next().unwrap_or_default(),
                runnable.evidence.file,
                runnable.evidence.line.unwrap_or(1),
            )
        }
        (None, "war") => "packaging war needs a servlet container; shiplight builds runnable jars (Spring Boot, Quarkus, shade, assembly, or a main class)".to_string(),
        (None, _) => "no runnable artefact: add the Spring Boot or Quarkus plugin, maven-shade-plugin or maven-assembly-plugin (jar-with-dependencies), or a <mainClass> in maven-jar-plugin's manifest".to_string(),
    }
}

/// The release: maven.compiler.release, the compiler plugin's release, maven.compiler.source or
/// the plugin's source, java.version (Spring Boot's property), or the Spring Boot parent's
/// default; a value naming a property the project does not define (one an outside parent
/// defines) gives way to the next.
fn release(
    pom: &Pom,
    props: &BTreeMap<String, (String, String, usize)>,
    resolve: &dyn Fn(&str, &str, usize) -> Result<String, DetectError>,
) -> Result<Option<(u32, Evidence)>, DetectError> {
    let compiler = pom
        .plugins
        .iter()
        .find(|p| p.artifact == "maven-compiler-plugin");
    let mut candidates: Vec<(String, String, usize, String)> = Vec::new();
    for key in [
        "maven.compiler.release",
        "maven.compiler.source",
        "java.version",
    ] {
        if let Some((value, file, line)) = props.get(key) {
            candidates.push((value.clone(), file.clone(), *line, key.to_string()));
        }
        if key != "java.version"
            && let Some(plugin) = compiler
        {
            let tag = key.rsplit('.').next().unwrap_or(key);
            if let Some(value) = plugin.get(tag) {
                candidates.push((
                    value.to_string(),
                    pom.file.clone(),
                    plugin.line,
                    format!("maven-compiler-plugin <{tag}>"),
                ));
            }
        }
    }
    for (value, file, line, key) in candidates {
        let Ok(resolved) = resolve(&value, &key, line) else {
            continue;
        };
        if let Some(release) = super::parse_release(&resolved) {
            return Ok(Some((
                release,
                Evidence::line(file, line, format!("{key} {resolved}")),
            )));
        }
    }
    if let Some((group, artifact, Some(version))) = &pom.parent
        && group == "org.springframework.boot"
        && artifact == "spring-boot-starter-parent"
    {
        let release = if version.starts_with('2') { 8 } else { 17 };
        return Ok(Some((
            release,
            Evidence::file(
                pom.file.clone(),
                format!("spring-boot-starter-parent {version} defaults java.version to {release}"),
            ),
        )));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each managed declaration applied in turn, as the plugins are given: the reading
    /// [`with_managed`] answers as.
    fn applied_in_turn(
        mut running: Vec<Plugin>,
        managed: Vec<Plugin>,
        packaging: &str,
    ) -> Vec<Plugin> {
        for managed in managed {
            match running.iter_mut().find(|p| p.artifact == managed.artifact) {
                Some(plugin) => {
                    for (tag, value) in managed.texts {
                        if plugin.own(&tag).is_none() {
                            plugin.texts.push((tag, value));
                        }
                    }
                    plugin.version = plugin.version.take().or(managed.version);
                }
                None if managed.artifact == "maven-jar-plugin" && packaging == "jar" => {
                    running.push(managed)
                }
                None => {}
            }
        }
        running
    }

    /// What the plan can ask of each plugin: coordinates, line, each tag's text and values.
    fn shown(plugins: &[Plugin]) -> Vec<String> {
        plugins
            .iter()
            .map(|p| {
                let tags: Vec<_> = ["t0", "t1", "t2", "t3"]
                    .iter()
                    .map(|t| {
                        let values: Vec<bool> =
                            ["x0", "x1", "x2"].iter().map(|v| p.has(t, v)).collect();
                        (p.get(t), values)
                    })
                    .collect();
                format!("{} {:?} {} {tags:?}", p.artifact, p.version, p.line)
            })
            .collect()
    }

    #[test]
    fn managed_plugins_fold_as_applied_in_turn() {
        let mut state = 11u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let artifacts = ["a", "b", "maven-jar-plugin"];
        for _ in 0..500 {
            let mut plugins = |count: u64| -> Vec<Plugin> {
                (0..count)
                    .map(|line| Plugin {
                        artifact: artifacts[next(3) as usize].to_string(),
                        version: (next(2) == 0).then(|| format!("v{}", next(3))),
                        line: line as usize,
                        texts: (0..next(4))
                            .map(|_| (format!("t{}", next(3)), format!("x{}", next(3))))
                            .collect(),
                        managed: Vec::new(),
                    })
                    .collect()
            };
            let (running, own, global) = (plugins(3), plugins(3), plugins(4));
            let packaging = ["jar", "war", ""][next(3) as usize];
            let expected = applied_in_turn(
                running.clone(),
                own.iter().chain(&global).cloned().collect(),
                packaging,
            );
            let folded = with_managed(running, &managed(own), &managed(global), packaging);
            assert_eq!(shown(&folded), shown(&expected));
        }
    }

    #[test]
    fn jdk_activation_ranges() {
        assert!(jdk_matches("17", 17) && !jdk_matches("17", 21));
        assert!(jdk_matches("1.8", 8) && jdk_matches("!1.8", 21));
        assert!(jdk_matches("[17,)", 21) && !jdk_matches("[17,)", 11));
        assert!(jdk_matches("[11,21)", 17) && !jdk_matches("[11,21)", 21));
    }
}
