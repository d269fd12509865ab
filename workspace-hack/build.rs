// A build script makes cargo count the `[build-dependencies]` of this crate,
// so proc-macro dependencies (syn and friends) are unified too.
fn main() {}
