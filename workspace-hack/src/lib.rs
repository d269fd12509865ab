//! Empty on purpose: this crate exists for its `Cargo.toml`, which `cargo
//! hakari` writes (see that file for why).
