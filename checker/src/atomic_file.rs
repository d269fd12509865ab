//! The checker's files written whole or not at all (reports, the last
//! report, stored grades, caches): `fixtures::files`' temp-file-then-rename,
//! with the temporary file registered so a Ctrl-C removes it too.

use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file and a rename; an
/// interrupt between the two leaves neither half a file nor the temporary.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let _cleanup = crate::interrupt::TempFileGuard::new(fixtures::files::temp_path(path));
    fixtures::files::write_atomically_then(path, bytes, crate::interrupt::halt_if_interrupted)
        .map_err(|e| {
            std::io::Error::new(e.kind(), format!("failed to write {}: {e}", path.display()))
        })
}

/// The folder `path` is in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}
