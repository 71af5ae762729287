//! Links the console's wasm binary with relocations kept (`--emit-relocs`): `wasm-split-cli` needs them
//! to move each lazily loaded view into its own module (scripts/split-bundle.py, trunk's post_build hook).
//! Only the binary trunk builds gets the flag; test binaries and every dependency keep their rustflags, so
//! no cached build is invalidated.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bins=--emit-relocs");
    }
}
