# Thin wrappers; the steps live in scripts/.
# wasm-opt from npm's binaryen must come before any other on PATH (see scripts/setup.sh).
# LEPTOS_OUTPUT_NAME is read at compile time by leptos; setting it for every build (not only
# cargo-leptos's) keeps `cargo test` and `cargo leptos build` from rebuilding each other.
export LEPTOS_OUTPUT_NAME := famigo
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run dev test bench setup

run:
	scripts/run.sh

dev:
	scripts/setup.sh
	cargo leptos build
	target/debug/famigo seed --if-empty --apps 500
	cargo leptos watch

test:
	scripts/test.sh

bench:
	scripts/setup.sh
	cargo bench -p server --bench browse
	cargo bench -p server --bench jobs
	cargo bench -p server --bench search
	cargo leptos build --release --precompress
	bench/run.sh
	bench/page_cache.sh
	bench/cluster.sh
	bench/signin.sh

setup:
	scripts/setup.sh
