//! The integration tests, built as one binary: each module below is one area of shiplight, and
//! all of them run the binary through `harness` and share the fixtures of `common`.

mod common;
mod harness;

mod cli;
mod commands;
mod config;
mod docs;
mod evidence;
mod fixtures;
mod floors;
mod frontend;
mod identity;
mod moved;
mod one_folder;
mod output;
mod package;
mod tree;
mod wizard;
