//! `Command` → text: the line that parses back to the same command (names are plain words;
//! a status update's impact is always quoted, so text such as `30m` stays text).

use super::lex::quote;
use super::verbs::verb;
use crate::sim::model::spec::{Backoff, Lane};
use crate::sim::{Audience, Command, Severity};
use std::fmt::Write;

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

/// `"text"` with `"` and `\` escaped, even when it is one plain word.
fn quoted(text: &str) -> String {
    let q = quote(text);
    if q.starts_with('"') { q } else { format!("\"{q}\"") }
}

/// A fraction as a percentage when that reads back exactly, else as the fraction itself.
fn fraction(f: f64) -> String {
    let pct = f * 100.0;
    // Exactness is the point: the percentage must read back to this very fraction.
    #[allow(clippy::float_cmp)]
    let exact = pct / 100.0 == f;
    if exact { format!("{pct}%") } else { format!("{f}") }
}

/// The command as a line of the grammar.
pub fn text(command: &Command) -> String {
    use Command as C;
    let word = verb(command.kind()).word;
    let mut out = word.to_string();
    let mut push = |s: &str| {
        out.push(' ');
        out.push_str(s);
    };
    match command {
        C::Ack { alert } => push(alert),
        C::Declare { severity } | C::ChangeSeverity { severity } => push(match severity {
            Severity::Sev1 => "sev1",
            Severity::Sev2 => "sev2",
            Severity::Sev3 => "sev3",
            Severity::Sev4 => "sev4",
        }),
        C::StatusUpdate { audience, impact, next_update, all_clear } => {
            push(match audience {
                Audience::Internal => "internal",
                Audience::Executives => "executives",
                Audience::Customers => "customers",
            });
            if !impact.is_empty() {
                push(&quoted(impact));
            }
            if *all_clear {
                push("all-clear");
            } else {
                push(&next_update.to_string());
            }
        }
        C::Resolve | C::Failover | C::Restore | C::Hint => {}
        C::Rollback { service }
        | C::PauseRollout { service }
        | C::ResumeRollout { service }
        | C::RevertConfig { service } => push(service),
        C::Deploy { service, version } => push(&format!("{service} {version}")),
        C::Scale { service, instances } => push(&format!("{service} {instances}")),
        C::Restart { service, instance, all_at_once } => {
            push(service);
            match (instance, all_at_once) {
                (Some(n), _) => push(&n.to_string()),
                (None, true) => push("all-at-once"),
                (None, false) => {}
            }
        }
        C::Drain { service, instance } => push(&format!("{service} {instance}")),
        C::SetFlag { flag, on } => push(&format!("{flag} {}", on_off(*on))),
        C::SetRateLimit { rps, burst } => {
            push(&rps.map_or("off".to_string(), |r| r.to_string()));
            if let Some(b) = burst {
                push(&format!("burst {b}"));
            }
        }
        C::SetShed { fraction: f } => push(&fraction(*f)),
        C::BlockClient { client } => push(client),
        C::SetBreaker { service, dependency, enabled } => push(&format!("{service} {dependency} {}", on_off(*enabled))),
        C::SetRetries { service, dependency, max_attempts, budget, backoff } => {
            push(&format!("{service} {dependency} {max_attempts}"));
            if let Some(b) = budget {
                push(&format!("budget {}", on_off(*b)));
            }
            if let Some(b) = backoff {
                push(&format!("backoff {}", backoff_word(*b)));
            }
        }
        C::SetTimeout { service, dependency, timeout } => push(&format!("{service} {dependency} {timeout}")),
        C::SetPoolSize { service, size } => push(&format!("{service} {size}")),
        C::SetDeadlines { service, on } => push(&format!("{service} {}", on_off(*on))),
        C::SetHealthCheck { service, endpoint, lane, interval, timeout, unhealthy_after, healthy_after, enabled } => {
            let mut s = service.clone();
            if let Some(e) = enabled {
                let _ = write!(s, " {}", on_off(*e));
            }
            if let Some(e) = endpoint {
                let _ = write!(s, " endpoint {e}");
            }
            if let Some(l) = lane {
                let _ = write!(s, " lane {}", if *l == Lane::Separate { "own" } else { "shared" });
            }
            for (name, d) in [("interval", interval), ("timeout", timeout)] {
                if let Some(d) = d {
                    let _ = write!(s, " {name} {d}");
                }
            }
            for (name, n) in [("unhealthy", unhealthy_after), ("healthy", healthy_after)] {
                if let Some(n) = n {
                    let _ = write!(s, " {name} {n}");
                }
            }
            push(&s);
        }
        C::FlushCache { cache } | C::WarmCache { cache } => push(cache),
        C::RenewCert { target } => push(target),
        C::Page { team } | C::Fire { entry: team } => push(team),
        C::Reveal { text } => push(&quoted(text)),
        C::Tip { seat, text } => push(&format!("{} {}", quote(seat), quoted(text))),
    }
    out
}

fn backoff_word(b: Backoff) -> &'static str {
    match b {
        Backoff::None => "none",
        Backoff::Exponential => "exponential",
        Backoff::Full => "full",
        Backoff::Equal => "equal",
        Backoff::Decorrelated => "decorrelated",
    }
}
