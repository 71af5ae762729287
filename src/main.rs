//! Stand-alone console (trunk builds this binary).
fn main() {
    lakedeck::run();
}
