//! `cargo run -p lakedeck-i18n-check`: checks the translation catalogs and the console's sources
//! from the workspace root (see the library); prints every finding and exits 1 when there is one.

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let findings = lakedeck_i18n_check::check_workspace(&root);
    if findings.is_empty() {
        println!("i18n check: catalogs consistent in en and zh-CN, every key used, no user-visible literal outside the layer");
        return;
    }
    eprintln!("i18n check found {} problem(s):", findings.len());
    for f in &findings {
        eprintln!("  {f}");
    }
    std::process::exit(1);
}
