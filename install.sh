#!/bin/sh
# Installs a release build of shiplight (Linux, x86_64 or aarch64):
#
#   curl -fsSL https://raw.githubusercontent.com/shiplight/shiplight/main/install.sh | sh
#   curl -fsSL .../install.sh | sh -s -- --version 0.1.0 --dir /usr/local/bin
#
# It downloads shiplight-<target>.tar.gz (a static musl build, as the release workflow names it)
# and the .sha256 beside it from the GitHub release v<version>, refuses the archive unless its
# SHA-256 matches, and installs the binary into --dir, else $SHIPLIGHT_INSTALL_DIR, else ~/.local/bin. The version is --version, else
# $SHIPLIGHT_VERSION, else the latest release.
#
# SHIPLIGHT_DOWNLOAD_URL replaces https://github.com/shiplight/shiplight/releases/download (a
# mirror holding v<version>/<archive>); the latest release is then looked up at the same address
# with /download replaced by /latest.
#
# The whole script is one function called on its last line, so a download cut short runs nothing.

main() {
    set -eu
    repo_url="https://github.com/shiplight/shiplight"
    base="${SHIPLIGHT_DOWNLOAD_URL:-$repo_url/releases/download}"
    base="${base%/}"
    version="${SHIPLIGHT_VERSION:-}"
    dir="${SHIPLIGHT_INSTALL_DIR:-}"

    while [ $# -gt 0 ]; do
        case "$1" in
            --version) [ $# -ge 2 ] || fail "--version needs a value"; version="$2"; shift 2 ;;
            --version=*) version="${1#--version=}"; shift ;;
            --dir) [ $# -ge 2 ] || fail "--dir needs a value"; dir="$2"; shift 2 ;;
            --dir=*) dir="${1#--dir=}"; shift ;;
            -h|--help) usage; return 0 ;;
            *) fail "unknown argument: $1 (see --help)" ;;
        esac
    done
    if [ -z "$dir" ]; then
        [ -n "${HOME:-}" ] || fail "HOME is not set: give the directory with --dir or SHIPLIGHT_INSTALL_DIR"
        dir="$HOME/.local/bin"
    fi

    target="$(detect_target)"
    need tar
    need mktemp
    downloader="$(pick_downloader)"

    version="${version#v}"
    if [ -z "$version" ] || [ "$version" = latest ]; then
        version="$(latest_version "$downloader" "$base")"
    fi
    case "$version" in
        *[!0-9A-Za-z.+-]*|'') fail "not a release version: '$version'" ;;
    esac

    archive="shiplight-$target.tar.gz"
    url="$base/v$version/$archive"
    tmp="$(mktemp -d "${TMPDIR:-/tmp}/shiplight-install.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    trap 'rm -rf "$tmp"; exit 130' INT TERM

    say "downloading $url"
    fetch "$downloader" "$url" "$tmp/$archive" || fail "cannot download $url"
    fetch "$downloader" "$url.sha256" "$tmp/$archive.sha256" || fail "cannot download $url.sha256"

    expected="$(awk 'NR == 1 { print tolower($1) }' "$tmp/$archive.sha256")"
    case "$expected" in
        *[!0-9a-f]*|'') fail "$archive.sha256 does not hold a SHA-256 checksum" ;;
    esac
    [ "${#expected}" -eq 64 ] || fail "$archive.sha256 does not hold a SHA-256 checksum"
    actual="$(sha256_of "$tmp/$archive")"
    if [ "$actual" != "$expected" ]; then
        fail "checksum mismatch for $archive: expected $expected, got $actual; nothing installed"
    fi
    say "checksum verified: sha256 $actual"

    mkdir "$tmp/unpacked"
    tar -xzf "$tmp/$archive" -C "$tmp/unpacked" || fail "cannot unpack $archive"
    binary=""
    for candidate in "$tmp/unpacked/shiplight" "$tmp/unpacked/shiplight-$target/shiplight"; do
        if [ -f "$candidate" ] && [ ! -L "$candidate" ]; then
            binary="$candidate"
            break
        fi
    done
    [ -n "$binary" ] || fail "$archive holds no shiplight binary"

    mkdir -p "$dir" || fail "cannot create $dir"
    staged="$dir/.shiplight.install.$$"
    cp "$binary" "$staged" || fail "cannot write into $dir"
    chmod 755 "$staged"
    if ! mv -f "$staged" "$dir/shiplight"; then
        rm -f "$staged"
        fail "cannot replace $dir/shiplight"
    fi
    say "installed $dir/shiplight ($("$dir/shiplight" --version))"

    case ":${PATH:-}:" in
        *":$dir:"*) ;;
        *) say "$dir is not on PATH: add it, for example with export PATH=\"$dir:\$PATH\"" ;;
    esac
}

usage() {
    cat <<'EOF'
Install shiplight from its GitHub releases (Linux x86_64 or aarch64).

usage: install.sh [--version VERSION] [--dir DIRECTORY]

  --version VERSION  release to install (default: $SHIPLIGHT_VERSION, else the latest)
  --dir DIRECTORY    where to put the binary (default: $SHIPLIGHT_INSTALL_DIR, else ~/.local/bin)

SHIPLIGHT_DOWNLOAD_URL replaces https://github.com/shiplight/shiplight/releases/download.
EOF
}

say() {
    printf 'shiplight-install: %s\n' "$1" >&2
}

fail() {
    printf 'shiplight-install: error: %s\n' "$1" >&2
    exit 1
}

need() {
    command -v "$1" >/dev/null 2>&1 || fail "needs $1"
}

detect_target() {
    os="$(uname -s)"
    machine="$(uname -m)"
    [ "$os" = Linux ] || fail "no release build for $os: build from source with cargo install --git https://github.com/shiplight/shiplight"
    case "$machine" in
        x86_64|amd64) echo x86_64-unknown-linux-musl ;;
        aarch64|arm64) echo aarch64-unknown-linux-musl ;;
        *) fail "no release build for $machine: build from source with cargo install --git https://github.com/shiplight/shiplight" ;;
    esac
}

pick_downloader() {
    if command -v curl >/dev/null 2>&1; then
        echo curl
    elif command -v wget >/dev/null 2>&1; then
        echo wget
    else
        fail "needs curl or wget"
    fi
}

# Only https, unless the address given is http (a mirror on the local network).
protocols() {
    case "$1" in
        http://*) echo '=https,http' ;;
        *) echo '=https' ;;
    esac
}

fetch() {
    case "$1" in
        curl) curl --proto "$(protocols "$2")" -fsSL --retry 3 -o "$3" "$2" ;;
        wget) wget -q -O "$3" "$2" ;;
    esac
}

# The latest release's version, from where <releases>/latest redirects (<releases>/tag/vX.Y.Z).
latest_version() {
    latest="${2%/download}/latest"
    case "$1" in
        curl) landed="$(curl --proto "$(protocols "$latest")" -fsSL -o /dev/null -w '%{url_effective}' "$latest")" ;;
        wget) landed="$(wget -S --spider "$latest" 2>&1 | awk 'tolower($1) == "location:" { l = $2 } END { print l }')" ;;
    esac || fail "cannot find the latest release at $latest: give --version"
    tag="${landed##*/}"
    tag="$(printf '%s' "$tag" | tr -d '\r')"
    case "$tag" in
        v[0-9]*) printf '%s\n' "${tag#v}" ;;
        *) fail "cannot find the latest release at $latest: give --version" ;;
    esac
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | awk '{ print $1 }'
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | awk '{ print $1 }'
    elif command -v openssl >/dev/null 2>&1; then
        openssl dgst -sha256 "$1" | awk '{ print $NF }'
    else
        fail "needs sha256sum, shasum or openssl to verify the download"
    fi
}

main "$@"
