#![recursion_limit = "256"]

// Rendering a page allocates many small strings; mimalloc measured clearly faster than glibc's
// allocator for it (see the benchmark numbers in bench/).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    famigo::commands::main()
}
