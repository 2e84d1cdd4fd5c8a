//! Node.js applications beyond a plain server: static sites are served by nginx from the files their build writes
//! (with client-side routing where the app has a router), server-rendered frameworks run their
//! server entry with the variables that make it listen on every interface, and start scripts
//! that run a dependency's binary run it under node without a shell, native addons take the
//! libraries they link, and Yarn Plug'n'Play ships its install state.

use crate::common::{self, fixture};
use crate::harness::shiplight;

fn generated(name: &str) -> String {
    shiplight()
        .args(["init", "--stdout"])
        .arg(fixture(name))
        .run()
        .stdout
}

#[test]
fn static_sites_are_served_by_nginx_from_the_build_output() {
    for (name, framework, dir, hashed, spa) in [
        (
            "node-vite-spa",
            "Vite",
            "/app/dist",
            "^/assets/",
            Some("index.html"),
        ),
        (
            "node-cra",
            "Create React App",
            "/app/build",
            "^/static/",
            None,
        ),
        (
            "node-angular",
            "Angular",
            "/app/dist/admin/browser",
            "-[A-Z0-9]{8}",
            Some("index.html"),
        ),
        (
            "node-astro-static",
            "Astro",
            "/app/public-site",
            "^/_astro/",
            None,
        ),
        (
            "node-sveltekit-static",
            "SvelteKit",
            "/app/build",
            "^/_app/immutable/",
            Some("200.html"),
        ),
        (
            "node-nuxt-generate",
            "Nuxt",
            "/app/.output/public",
            "^/_nuxt/",
            None,
        ),
        (
            "node-static-build",
            "Parcel",
            "/app/www",
            r"\.[0-9a-f]{8}\.(?:js|css|mjs)$",
            None,
        ),
    ] {
        let out = generated(name);
        assert!(
            out.contains(&format!(
                "COPY --from=build --chown=0:0 {dir} /usr/share/nginx/html"
            )),
            "{name}: {out}"
        );
        assert!(
            out.contains("FROM cgr.dev/chainguard/nginx:latest AS runtime-production"),
            "{name}: {out}"
        );
        assert!(out.contains(&format!(
            "Runtime: nginx serves the built {framework} files"
        )));
        assert!(out.contains(
            "USER 65532:65532\nEXPOSE 8080\nSTOPSIGNAL SIGQUIT\nENTRYPOINT [\"/usr/sbin/nginx\"]"
        ));
        assert!(
            !out.contains("npm prune"),
            "{name}: nothing of node_modules ships"
        );
        assert!(out.contains("==> docker/nginx.conf <=="), "{name}");
        assert!(
            out.contains(&format!("location ~ \"{hashed}")),
            "{name}: {out}"
        );
        assert!(out.contains("location ~ /\\.(?!well-known/) {\n            return 404;"));
        match spa {
            Some(page) => {
                assert!(
                    out.contains(&format!("try_files $uri $uri/ /{page};")),
                    "{name}: {out}"
                );
                assert!(
                    out.contains("location ~ \\.[A-Za-z0-9]+$ {\n            try_files $uri =404;")
                );
            }
            None => assert!(
                out.contains("try_files $uri $uri/ $uri.html =404;"),
                "{name}: {out}"
            ),
        }
        let explain = shiplight()
            .args(["explain"])
            .arg(fixture(name))
            .run()
            .stdout;
        assert!(
            explain.contains("Does the build only write files (a static site)? -> yes"),
            "{name}: {explain}"
        );
        assert!(explain.contains("What does the build write, and how is it served?"));
    }
}

#[test]
fn a_site_whose_build_hashes_nothing_gets_no_immutable_caching() {
    let out = generated("node-eleventy");
    assert!(
        out.contains("COPY --from=build --chown=0:0 /app/_site /usr/share/nginx/html"),
        "{out}"
    );
    assert!(!out.contains("immutable"), "{out}");
    assert!(
        out.contains("try_files $uri $uri/ $uri.html =404;"),
        "{out}"
    );
    let explain = shiplight()
        .args(["explain"])
        .arg(fixture("node-eleventy"))
        .run()
        .stdout;
    assert!(
        explain.contains("package.json:10: @11ty/eleventy writes _site/"),
        "{explain}"
    );
}

#[test]
fn the_site_is_served_on_both_vendors_and_the_chosen_port() {
    let out = shiplight()
        .args([
            "init",
            "--stdout",
            "--vendor",
            "chainguard",
            "--port",
            "8443",
        ])
        .arg(fixture("node-vite-spa"))
        .run()
        .stdout;
    assert!(out.contains("FROM cgr.dev/chainguard/nginx:latest AS runtime-production"));
    assert!(
        out.contains("FROM --platform=$BUILDPLATFORM cgr.dev/chainguard/node:latest-dev AS build"),
        "{out}"
    );
    assert!(
        out.contains("listen 8443;") && out.contains("EXPOSE 8443"),
        "{out}"
    );
    let explain = shiplight()
        .args(["explain"])
        .arg(fixture("node-vite-spa"))
        .run()
        .stdout;
    assert!(explain.contains("package.json:14: react-router-dom: routes on the client"));
    assert!(explain.contains("debug:   --build-arg RUNTIME=debug"));
}

#[test]
fn server_rendered_frameworks_listen_on_every_interface() {
    for (name, path, host, port) in [
        ("node-nuxt", ".output/server/index.mjs", "HOST", 3000),
        (
            "node-tanstack-start",
            ".output/server/index.mjs",
            "HOST",
            3000,
        ),
        ("node-sveltekit-server", "build/index.js", "HOST", 3000),
        ("node-astro-server", "dist/server/entry.mjs", "HOST", 4321),
    ] {
        let out = generated(name);
        assert!(
            out.contains(&format!("143)}})\", \"{path}\"]")),
            "{name}: {out}"
        );
        assert!(
            out.contains(&format!("PORT={port} \\\n    {host}=0.0.0.0")),
            "{name}: {out}"
        );
        assert!(out.contains(&format!("EXPOSE {port}")), "{name}");
        assert!(
            out.contains("FROM gcr.io/distroless/nodejs22-debian13:nonroot AS runtime-production")
        );
    }
}

#[test]
fn serve_binaries_run_under_node_from_the_bin_their_package_names() {
    for (name, package, bin) in [
        ("node-remix", "@remix-run/serve", "remix-serve"),
        (
            "node-react-router",
            "@react-router/serve",
            "react-router-serve",
        ),
    ] {
        let out = generated(name);
        assert!(
            out.contains(&format!(
                "143)}})\", \"node_modules/.shiplight/{bin}\", \"./build/server/index.js\"]"
            )),
            "{name}: {out}"
        );
        assert!(
            out.contains(&format!(
                "' \\\n        . {package} {bin} node_modules/.shiplight/{bin}"
            )),
            "{name}: {out}"
        );
        assert!(out.contains("EXPOSE 3000"), "{name}");
    }
}

#[test]
fn a_start_script_that_runs_a_development_server_is_not_the_start() {
    let explain = shiplight()
        .args(["explain"])
        .arg(fixture("node-astro-static"))
        .run()
        .stdout;
    assert!(!explain.contains("astro dev"), "{explain}");
    let explain = shiplight()
        .args(["explain"])
        .arg(fixture("node-angular"))
        .run()
        .stdout;
    assert!(!explain.contains("ng serve"), "{explain}");
}

#[test]
fn sveltekit_without_a_container_adapter_is_refused_naming_the_adapters() {
    let dir = common::project(&[
        (
            "package.json",
            r#"{"name":"x","scripts":{"build":"vite build"},"devDependencies":{"@sveltejs/kit":"2","@sveltejs/adapter-auto":"3","vite":"6"}}"#,
        ),
        (
            "svelte.config.js",
            "import adapter from '@sveltejs/adapter-auto';\n",
        ),
    ]);
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(
        err.contains(
            "svelte.config.js: SvelteKit without @sveltejs/adapter-node or @sveltejs/adapter-static"
        ),
        "{err}"
    );
}

#[test]
fn output_directories_stay_inside_the_package() {
    let dir = common::project(&[
        (
            "package.json",
            r#"{"name":"x","scripts":{"build":"vite build"},"dependencies":{"react-router":"7"},"devDependencies":{"vite":"6"}}"#,
        ),
        ("index.html", "<!doctype html>"),
        (
            "vite.config.js",
            "export default { build: { outDir: '../../etc' } }\n",
        ),
    ]);
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(
        err.contains("vite.config.js:1: outDir \"../../etc\""),
        "{err}"
    );
}

#[test]
fn a_front_end_build_beside_a_server_is_that_servers_assets() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        std::path::Path::new(&fixture("java-spring-maven")),
        dir.path(),
    );
    std::fs::write(
        dir.path().join("package.json"),
        r#"{"name":"webapp","scripts":{"build":"vite build"},"dependencies":{"vue-router":"4"},"devDependencies":{"vite":"6"}}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
    let out = shiplight().args(["explain"]).arg(dir.path()).run().stdout;
    assert!(
        out.contains(
            "Which stack runs? -> Java (the front-end build beside it only writes static files"
        ),
        "{out}"
    );
    assert!(
        out.contains("package.json:1: vite build writes dist/"),
        "{out}"
    );
}

#[test]
fn a_member_whose_build_writes_into_another_application_is_not_a_site() {
    let dir = common::project(&[
        ("go.mod", "module example.com/app\n\ngo 1.24\n"),
        ("main.go", "package main\n\nfunc main() {}\n"),
        (
            "package.json",
            r#"{"name":"root","private":true,"workspaces":["web"]}"#,
        ),
        (
            "web/package.json",
            r#"{"name":"web","scripts":{"build":"vite build"},"devDependencies":{"vite":"6"}}"#,
        ),
        ("web/index.html", "<!doctype html>"),
        (
            "web/vite.config.ts",
            "export default { build: { outDir: '../public/dist' } }\n",
        ),
    ]);
    let out = shiplight().args(["explain"]).arg(dir.path()).run().stdout;
    assert!(out.starts_with("Go project"), "{out}");
}

#[test]
fn native_addons_take_the_libraries_they_link_into_the_runtime() {
    for name in ["node-native-addon", "node-native-bcrypt"] {
        let out = generated(name);
        assert!(
            out.contains("FROM node:22-trixie AS build"),
            "{name}: {out}"
        );
        assert!(
            out.contains("&& find . -name '*.node' -type f > /tmp/addons"),
            "{name}: {out}"
        );
        assert!(
            out.contains("&& cp -a /tmp/native-libs /tmp/epoch/sysroot/usr/local/lib/native"),
            "{name}: {out}"
        );
        assert!(
            out.contains("COPY --from=build --chown=0:0 /tmp/epoch/sysroot/ /"),
            "{name}: {out}"
        );
        assert!(
            out.contains("LD_LIBRARY_PATH=/usr/local/lib/native"),
            "{name}"
        );
    }
    let own = generated("node-native-addon");
    assert!(
        own.contains("COPY . .\nRUN npm rebuild \\\n    && mkdir -p /tmp/native-libs"),
        "its own binding.gyp arrives with the sources: {own}"
    );
    assert!(!generated("node-native-bcrypt").contains("npm rebuild"));
}

#[test]
fn yarn_plug_n_play_ships_its_install_state_and_starts_with_the_pnp_runtime() {
    let out = generated("node-yarn-pnp");
    assert!(
        out.contains("143)})\", \"--require\", \"/app/.pnp.cjs\", \"server.js\"]"),
        "{out}"
    );
    assert!(
        out.contains("node .yarn/releases/yarn-4.5.3.cjs workspaces focus --all --production"),
        "the release the repository carries runs, no corepack download: {out}"
    );
    assert!(!out.contains("corepack"), "{out}");
    assert!(out.contains("YARN_CACHE_FOLDER=/app/.yarn/cache"), "{out}");
    assert!(
        out.contains("\n.pnp.cjs\n"),
        "a committed .pnp.cjs never replaces the install's: {out}"
    );
    let explain = shiplight()
        .args(["explain"])
        .arg(fixture("node-yarn-pnp"))
        .run()
        .stdout;
    assert!(
        explain.contains("Where are the dependencies? -> Yarn Plug'n'Play"),
        "{explain}"
    );
    assert!(
        explain.contains(".yarnrc.yml:1: nodeLinker: pnp"),
        "{explain}"
    );
}

#[test]
fn an_npmrc_is_a_secret_mount_whether_it_holds_a_token_or_settings_only() {
    let settings = common::project(&[
        (
            "package.json",
            r#"{"name":"x","scripts":{"start":"node server.js"},"dependencies":{"express":"5"}}"#,
        ),
        ("server.js", "require('express')().listen(3000);\n"),
        (".npmrc", "legacy-peer-deps=true\n"),
    ]);
    let out = shiplight()
        .args(["init", "--stdout"])
        .arg(settings.path())
        .run()
        .stdout;
    assert!(out.contains("COPY package.json ./"), "{out}");
    assert!(
        !out.contains("!.npmrc"),
        "re-included in the context: {out}"
    );
    assert!(
        out.contains("--mount=type=secret,id=npmrc,target=/app/.npmrc"),
        "{out}"
    );
    let out = shiplight()
        .args(["explain"])
        .arg(settings.path())
        .run()
        .stdout;
    assert!(
        out.contains(".npmrc: settings only, no credential yet"),
        "{out}"
    );
    let token = common::project(&[
        (
            "package.json",
            r#"{"name":"x","scripts":{"start":"node server.js"},"dependencies":{"express":"5"}}"#,
        ),
        ("server.js", "require('express')().listen(3000);\n"),
        (
            ".npmrc",
            "legacy-peer-deps=true\n//registry.npmjs.org/:_authToken=TOKEN-5e1f\n",
        ),
    ]);
    let out = shiplight()
        .args(["init", "--stdout"])
        .arg(token.path())
        .run()
        .stdout;
    assert!(out.contains("--mount=type=secret,id=npmrc"), "{out}");
    assert!(!out.contains("!.npmrc"), "{out}");
    assert!(!out.contains("COPY package.json .npmrc"), "{out}");
    let out = shiplight().args(["explain"]).arg(token.path()).run().stdout;
    assert!(
        out.contains(".npmrc:2: holds a registry token (_authToken)"),
        "{out}"
    );
    assert!(!out.contains("TOKEN-5e1f"), "{out}");
}

#[test]
fn the_web_family_is_for_static_sites_only() {
    let err = shiplight()
        .args(["init", "--stdout", "--runtime", "web"])
        .arg(fixture("node-express-npm"))
        .status(2)
        .stderr;
    assert!(err.contains("a web server only serves files"), "{err}");
    let err = shiplight()
        .args(["init", "--stdout", "--runtime", "language"])
        .arg(fixture("node-vite-spa"))
        .status(2)
        .stderr;
    assert!(err.contains("nothing of the project runs"), "{err}");
}
