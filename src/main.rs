#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    shengyuan::server::cli::main()
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser entry point is `hydrate()` in lib.rs.
}
