//! The text form of the audit reports: one `label: value` line per field,
//! nested fields indented by two spaces, so that a person reads a timeline
//! and a script can still pick a field out.

use std::fmt::Write as _;

use super::report::{
    ArtifactAudit, CheckpointReport, KeyChange, KeyReport, Logged, RefusedReport, SignerAudit,
};

/// Renders an artifact audit.
pub fn artifact(audit: &ArtifactAudit) -> String {
    let mut out = String::new();
    checkpoint(&mut out, &audit.checkpoint);
    for r in &audit.releases {
        line(
            &mut out,
            0,
            "release",
            &format!("index {}, leaf {}", r.logged.index, r.leaf_hash),
        );
        line(&mut out, 1, "artifact", &r.artifact);
        line(&mut out, 1, "size", &r.size.to_string());
        line(&mut out, 1, "name", &r.name);
        line(&mut out, 1, "version", &r.version);
        line(&mut out, 1, "targets", &r.targets.join(" "));
        times(&mut out, 1, &r.logged);
        key(&mut out, 1, "signer", &r.signer);
        for a in &r.approvals {
            line(
                &mut out,
                1,
                "approval",
                &format!("index {}, role {}", a.logged.index, a.role),
            );
            times(&mut out, 2, &a.logged);
            key(&mut out, 2, "approver", &a.key);
        }
        for ro in &r.rollouts {
            line(
                &mut out,
                1,
                "rollout",
                &format!(
                    "index {}, targets {}",
                    ro.logged.index,
                    ro.targets.join(" ")
                ),
            );
            times(&mut out, 2, &ro.logged);
            key(&mut out, 2, "operator", &ro.key);
        }
        for p in &r.pauses {
            line(
                &mut out,
                1,
                &p.action,
                &format!("index {}, target {}", p.logged.index, p.target),
            );
            line(&mut out, 2, "reason", &p.reason);
            times(&mut out, 2, &p.logged);
            line(&mut out, 2, "signed by", &p.signed_by.join(" "));
        }
    }
    refused(&mut out, &audit.refused);
    out
}

/// Renders a key or owner audit.
pub fn signer(audit: &SignerAudit) -> String {
    let mut out = String::new();
    checkpoint(&mut out, &audit.checkpoint);
    for k in &audit.keys {
        key(&mut out, 0, "key", k);
    }
    for s in &audit.signed {
        line(
            &mut out,
            0,
            "signed",
            &format!("index {}, {}", s.logged.index, s.kind),
        );
        line(&mut out, 1, "summary", &s.summary);
        line(&mut out, 1, "key", &s.key);
        times(&mut out, 1, &s.logged);
    }
    refused(&mut out, &audit.refused);
    out
}

fn checkpoint(out: &mut String, c: &CheckpointReport) {
    line(out, 0, "log", &c.origin);
    line(out, 0, "size", &c.size.to_string());
    line(out, 0, "root", &c.root);
    for w in &c.witnesses {
        line(
            out,
            0,
            "cosigned by",
            &format!("{} at {}", w.name, w.cosigned),
        );
    }
}

fn key(out: &mut String, depth: usize, label: &str, k: &KeyReport) {
    line(out, depth, label, &k.vkey);
    line(out, depth + 1, "role", &k.role);
    if !k.owner.is_empty() {
        line(out, depth + 1, "owner", &k.owner);
    }
    if !k.scopes.is_empty() {
        line(out, depth + 1, "scopes", &k.scopes.join(" "));
    }
    if let Some(expires) = &k.expires {
        line(out, depth + 1, "expires", expires);
    }
    if let Some(e) = &k.enrolment {
        line(out, depth + 1, "enrolled", &format!("index {}", e.index));
        times(out, depth + 2, e);
        line(out, depth + 2, "by", &k.enrolled_by.join(" "));
    }
    change(out, depth + 1, "retired", k.retired.as_ref());
    change(out, depth + 1, "revoked", k.revoked.as_ref());
}

fn change(out: &mut String, depth: usize, label: &str, c: Option<&KeyChange>) {
    let Some(c) = c else { return };
    line(out, depth, label, &format!("index {}", c.logged.index));
    times(out, depth + 1, &c.logged);
    if let Some(reason) = &c.reason {
        line(out, depth + 1, "reason", reason);
    }
    line(out, depth + 1, "by", &c.signed_by.join(" "));
}

fn times(out: &mut String, depth: usize, logged: &Logged) {
    line(out, depth, "issued", &logged.issued);
    line(
        out,
        depth,
        "integrated",
        logged.integrated.as_deref().unwrap_or("not yet"),
    );
}

fn refused(out: &mut String, refused: &[RefusedReport]) {
    for r in refused {
        line(
            out,
            0,
            "refused",
            &format!("index {}: {}", r.index, r.reason),
        );
    }
}

fn line(out: &mut String, depth: usize, label: &str, value: &str) {
    let _ = writeln!(out, "{:width$}{label}: {value}", "", width = depth * 2);
}
