//! The terminal: colour only on a TTY and never with `NO_COLOR`; progress
//! as one line rewritten in place on a TTY, plain lines otherwise (CI logs).

use std::io::{self, IsTerminal, Write};

/// Whether to colour output written to standard output.
pub fn colour_stdout() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
}

/// Colours the marks of a human report: ✓ green, ✗ red, ⚠ yellow.
pub fn colourize(text: &str) -> String {
    text.replace('✓', "\x1b[32m✓\x1b[0m")
        .replace('✗', "\x1b[31m✗\x1b[0m")
        .replace('⚠', "\x1b[33m⚠\x1b[0m")
}

/// Progress lines on standard error: on a TTY each line replaces the last
/// (the final state is left on screen by [`Progress::finish`]); elsewhere
/// each is printed as is.
pub struct Progress {
    tty: bool,
    pending: Vec<u8>,
}

impl Progress {
    /// Progress to standard error, in the style its kind calls for.
    pub fn stderr() -> Self {
        Self {
            tty: io::stderr().is_terminal(),
            pending: Vec::new(),
        }
    }

    /// Clears the transient line, if any.
    pub fn finish(&mut self) {
        if self.tty {
            let _ = write!(io::stderr(), "\r\x1b[2K");
        }
    }
}

impl Write for Progress {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for &byte in buf {
            if byte == b'\n' {
                let line = String::from_utf8_lossy(&self.pending).into_owned();
                self.pending.clear();
                let mut stderr = io::stderr();
                if self.tty {
                    // Rewrite the one status line; keep it short enough not to wrap.
                    let shown: String = line.trim_start().chars().take(100).collect();
                    write!(stderr, "\r\x1b[2K{shown}")?;
                } else {
                    writeln!(stderr, "{line}")?;
                }
                stderr.flush()?;
            } else {
                self.pending.push(byte);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_coloured_and_text_is_kept() {
        assert_eq!(
            colourize("✓ a ✗ b"),
            "\x1b[32m✓\x1b[0m a \x1b[31m✗\x1b[0m b"
        );
        assert_eq!(colourize("plain"), "plain");
    }
}
