//! The lines of cargo's `--message-format json` that the checker reads,
//! typed: a unit built or found fresh (for the build's progress line), a
//! build script run, and a compiler diagnostic (the first error is an
//! exercise's compile error). Every other line is [`CargoMessage::Other`].
//! Fields cargo always writes are still defaulted, so a line missing one is
//! read as far as it goes rather than dropped.

use serde::Deserialize;

/// One JSON line of cargo's build output.
#[derive(Debug, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum CargoMessage {
    /// A unit (a crate's library, a test binary, …) is built or was fresh.
    CompilerArtifact {
        /// Whether cargo reused it without compiling.
        #[serde(default)]
        fresh: bool,
        /// What was built.
        #[serde(default)]
        target: Target,
    },
    /// A build script ran.
    BuildScriptExecuted {},
    /// A diagnostic of rustc's.
    CompilerMessage {
        /// The diagnostic.
        message: Diagnostic,
    },
    /// Any other line (`build-finished`, …).
    #[serde(other)]
    Other,
}

impl CargoMessage {
    /// The message on `line`; `None` for a line that is not cargo's JSON.
    pub fn parse(line: &str) -> Option<Self> {
        serde_json::from_str(line).ok()
    }

    /// The diagnostic, when this is a compiler error (not a warning).
    pub fn compiler_error(&self) -> Option<&Diagnostic> {
        match self {
            Self::CompilerMessage { message } if message.level == "error" => Some(message),
            _ => None,
        }
    }
}

/// A compilation target of a package.
#[derive(Debug, Default, Deserialize)]
pub struct Target {
    /// Its name (the crate's, or the test binary's).
    #[serde(default)]
    pub name: String,
}

/// A rustc diagnostic.
#[derive(Debug, Deserialize)]
pub struct Diagnostic {
    /// `error`, `warning`, `note`, …
    #[serde(default)]
    pub level: String,
    /// The message as rustc prints it.
    #[serde(default)]
    pub rendered: String,
    /// Where in the source it points.
    #[serde(default)]
    pub spans: Vec<Span>,
}

impl Diagnostic {
    /// `file:line:column` of the primary span, if it has one.
    pub fn location(&self) -> Option<String> {
        self.spans.iter().find(|span| span.is_primary).map(|span| {
            format!(
                "{}:{}:{}",
                span.file_name, span.line_start, span.column_start
            )
        })
    }
}

/// A place in the source that a diagnostic points at.
#[derive(Debug, Deserialize)]
pub struct Span {
    /// The file, relative to the package's workspace.
    #[serde(default)]
    pub file_name: String,
    /// 1-based line.
    #[serde(default)]
    pub line_start: u64,
    /// 1-based column.
    #[serde(default)]
    pub column_start: u64,
    /// Whether this is where the diagnostic is (not a note's context).
    #[serde(default)]
    pub is_primary: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifacts_build_scripts_and_errors_are_told_apart() {
        let built = r#"{"reason":"compiler-artifact","fresh":false,"target":{"name":"num-bigint","kind":["lib"]},"filenames":[]}"#;
        assert!(matches!(
            CargoMessage::parse(built),
            Some(CargoMessage::CompilerArtifact { fresh: false, target }) if target.name == "num-bigint"
        ));
        let script = r#"{"reason":"build-script-executed","package_id":"x","out_dir":"/o"}"#;
        assert!(matches!(
            CargoMessage::parse(script),
            Some(CargoMessage::BuildScriptExecuted {})
        ));
        let finished = r#"{"reason":"build-finished","success":true}"#;
        assert!(matches!(
            CargoMessage::parse(finished),
            Some(CargoMessage::Other)
        ));
        assert!(CargoMessage::parse("Compiling x v0.1.0").is_none());
    }
}
