//! The binary trunk builds. Instantiating the module runs this `main`, which mounts nothing: index.html's
//! boot script calls `start()`, host pages call `mount()` (src/lib.rs). The `use` keeps the library's
//! exports in the binary.
pub use lakedeck::{mount, start, ConsoleHandle};

fn main() {}
