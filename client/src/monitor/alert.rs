//! What the monitor reports: one JSON object per line on stdout,
//! `{"alert":"<kind>","index":…,"detail":"…"}`.

use serde::Serialize;

/// The kinds of violation the monitor reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A checkpoint that does not extend the previous one (a fork, or a
    /// log rolled back); `index` is the new checkpoint's size.
    InconsistentCheckpoint,
    /// A state entry that differs from the replayed state, for example one
    /// hiding a revocation or a pause.
    StateMismatch,
    /// A record the admission rules refuse, for example one signed by an
    /// unenrolled key.
    InadmissibleRecord,
    /// A release signed by an owner not listed with `--expect-owner`.
    UnexpectedOwner,
}

/// One violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// What kind.
    pub alert: AlertKind,
    /// The log index of the entry (for a checkpoint: its size).
    pub index: u64,
    /// What exactly, for a person.
    pub detail: String,
}

impl Alert {
    /// The alert as one JSON line, without the newline.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_is_one_json_line_with_snake_case_kind() {
        let alert = Alert {
            alert: AlertKind::InconsistentCheckpoint,
            index: 7,
            detail: "a \"fork\"\nhere".to_owned(),
        };
        let line = alert.to_json_line();
        assert!(!line.contains('\n'));
        assert_eq!(
            line,
            r#"{"alert":"inconsistent_checkpoint","index":7,"detail":"a \"fork\"\nhere"}"#
        );
    }
}
