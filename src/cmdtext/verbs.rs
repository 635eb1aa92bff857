//! The grammar as data: one [`Verb`] per command kind, with its word, the words that follow it
//! (for completion, usage and errors) and an example. The parser, the formatter, completion,
//! the help text and README's table all read this one list, so they cannot drift.
//!
//! Adding a command kind: add a row here, an arm in `parse::command` and one in
//! `format::text` (the tests check that every `CommandKind` has exactly one row).

use crate::sim::CommandKind;

/// What kind of word fills a place in a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    Service,
    /// A dependency of the service named before it.
    Dependency,
    Version,
    Flag,
    Cache,
    Team,
    Alert,
    Client,
    /// `edge` or a third party's name.
    Certificate,
    Severity,
    Audience,
    OnOff,
    /// A whole number (instances, tries, pool size).
    Count,
    /// A positive number (a burst size).
    Number,
    /// An instance number of the service named before it.
    Instance,
    Duration,
    /// Requests per second, or `off`.
    Rate,
    /// A percentage (`25%`) or a fraction from 0 to 1.
    Fraction,
    /// Free text; quote it if it has spaces.
    Text,
    /// The rest of the line, as text (quotes optional).
    Rest,
    /// A manual timeline entry's label (a contingency or a live inject not yet fired).
    Contingency,
    /// A drill seat's name.
    Seat,
    /// One of a fixed set of words.
    Words(&'static [&'static str]),
    /// `name value` options, in any order, each at most once.
    Options(&'static [(&'static str, Arg)]),
}

/// One place after the verb.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// As usage shows it: `SERVICE`, `[NEXT]`.
    pub name: &'static str,
    pub arg: Arg,
    pub optional: bool,
}

const fn req(name: &'static str, arg: Arg) -> Slot {
    Slot { name, arg, optional: false }
}
const fn opt(name: &'static str, arg: Arg) -> Slot {
    Slot { name, arg, optional: true }
}

/// A command's text form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verb {
    pub word: &'static str,
    pub kind: CommandKind,
    pub slots: &'static [Slot],
    pub example: &'static str,
}

impl Verb {
    /// `scale SERVICE INSTANCES`.
    pub fn usage(&self) -> String {
        let mut out = self.word.to_string();
        for s in self.slots {
            out.push(' ');
            if s.optional {
                out.push_str(&format!("[{}]", s.name));
            } else {
                out.push_str(s.name);
            }
        }
        out
    }
}

/// The options of `healthcheck`.
pub const HEALTH_OPTIONS: &[(&str, Arg)] = &[
    ("endpoint", Arg::Text),
    ("lane", Arg::Words(&["shared", "own"])),
    ("interval", Arg::Duration),
    ("timeout", Arg::Duration),
    ("unhealthy", Arg::Count),
    ("healthy", Arg::Count),
];
/// The options of `retries`.
pub const RETRY_OPTIONS: &[(&str, Arg)] =
    &[("budget", Arg::OnOff), ("backoff", Arg::Words(&["none", "exponential", "full", "equal", "decorrelated"]))];
/// The options of `ratelimit`.
pub const RATE_OPTIONS: &[(&str, Arg)] = &[("burst", Arg::Number)];
/// How a restart picks instances, besides an instance number.
pub const RESTART_WORDS: [&str; 2] = ["rolling", "all-at-once"];

use Arg as A;
use CommandKind as K;

/// Every command's text form, in `CommandKind` order.
pub const VERBS: &[Verb] = &[
    Verb { word: "ack", kind: K::Ack, slots: &[req("ALERT", A::Alert)], example: "ack EdgeErrorRate" },
    Verb { word: "declare", kind: K::Declare, slots: &[req("SEVERITY", A::Severity)], example: "declare sev2" },
    Verb {
        word: "status",
        kind: K::StatusUpdate,
        slots: &[req("AUDIENCE", A::Audience), opt("\"IMPACT\"", A::Text), opt("NEXT|all-clear", A::Duration)],
        example: "status customers \"checkout errors, next update 30m\" 30m",
    },
    Verb {
        word: "severity",
        kind: K::ChangeSeverity,
        slots: &[req("SEVERITY", A::Severity)],
        example: "severity sev1",
    },
    Verb { word: "resolve", kind: K::Resolve, slots: &[], example: "resolve" },
    Verb { word: "rollback", kind: K::Rollback, slots: &[req("SERVICE", A::Service)], example: "rollback api" },
    Verb {
        word: "pause-rollout",
        kind: K::PauseRollout,
        slots: &[req("SERVICE", A::Service)],
        example: "pause-rollout api",
    },
    Verb {
        word: "resume-rollout",
        kind: K::ResumeRollout,
        slots: &[req("SERVICE", A::Service)],
        example: "resume-rollout api",
    },
    Verb {
        word: "deploy",
        kind: K::Deploy,
        slots: &[req("SERVICE", A::Service), req("VERSION", A::Version)],
        example: "deploy api v41",
    },
    Verb {
        word: "scale",
        kind: K::Scale,
        slots: &[req("SERVICE", A::Service), req("INSTANCES", A::Count)],
        example: "scale api 8",
    },
    Verb {
        word: "restart",
        kind: K::Restart,
        slots: &[req("SERVICE", A::Service), opt("INSTANCE|rolling|all-at-once", A::Instance)],
        example: "restart api 3",
    },
    Verb {
        word: "drain",
        kind: K::Drain,
        slots: &[req("SERVICE", A::Service), req("INSTANCE", A::Instance)],
        example: "drain api 2",
    },
    Verb {
        word: "flag",
        kind: K::SetFlag,
        slots: &[req("FLAG", A::Flag), req("on|off", A::OnOff)],
        example: "flag coupons-v2 off",
    },
    Verb {
        word: "ratelimit",
        kind: K::SetRateLimit,
        slots: &[req("RPS|off", A::Rate), opt("burst N", A::Options(RATE_OPTIONS))],
        example: "ratelimit 500 burst 100",
    },
    Verb { word: "shed", kind: K::SetShed, slots: &[req("PERCENT", A::Fraction)], example: "shed 25%" },
    Verb { word: "block", kind: K::BlockClient, slots: &[req("CLIENT", A::Client)], example: "block scraper-9" },
    Verb {
        word: "breaker",
        kind: K::SetBreaker,
        slots: &[req("SERVICE", A::Service), req("DEPENDENCY", A::Dependency), req("on|off", A::OnOff)],
        example: "breaker api payments on",
    },
    Verb {
        word: "retries",
        kind: K::SetRetries,
        slots: &[
            req("SERVICE", A::Service),
            req("DEPENDENCY", A::Dependency),
            req("TRIES", A::Count),
            opt("budget on|off, backoff KIND", A::Options(RETRY_OPTIONS)),
        ],
        example: "retries api payments 1",
    },
    Verb {
        word: "timeout",
        kind: K::SetTimeout,
        slots: &[req("SERVICE", A::Service), req("DEPENDENCY", A::Dependency), req("DURATION", A::Duration)],
        example: "timeout api payments 2s",
    },
    Verb {
        word: "pool",
        kind: K::SetPoolSize,
        slots: &[req("SERVICE", A::Service), req("SIZE", A::Count)],
        example: "pool api 20",
    },
    Verb {
        word: "deadlines",
        kind: K::SetDeadlines,
        slots: &[req("SERVICE", A::Service), req("on|off", A::OnOff)],
        example: "deadlines api on",
    },
    Verb {
        word: "healthcheck",
        kind: K::SetHealthCheck,
        slots: &[
            req("SERVICE", A::Service),
            opt("on|off", A::OnOff),
            opt(
                "endpoint E, lane shared|own, interval D, timeout D, unhealthy N, healthy N",
                A::Options(HEALTH_OPTIONS),
            ),
        ],
        example: "healthcheck api endpoint health lane own",
    },
    Verb { word: "revert", kind: K::RevertConfig, slots: &[req("SERVICE", A::Service)], example: "revert api" },
    Verb { word: "flush", kind: K::FlushCache, slots: &[req("CACHE", A::Cache)], example: "flush catalog" },
    Verb { word: "warm", kind: K::WarmCache, slots: &[req("CACHE", A::Cache)], example: "warm catalog" },
    Verb { word: "failover", kind: K::Failover, slots: &[], example: "failover" },
    Verb { word: "restore", kind: K::Restore, slots: &[], example: "restore" },
    Verb {
        word: "renew",
        kind: K::RenewCert,
        slots: &[req("edge|THIRD-PARTY", A::Certificate)],
        example: "renew edge",
    },
    Verb { word: "page", kind: K::Page, slots: &[req("TEAM", A::Team)], example: "page dba" },
    Verb { word: "hint", kind: K::Hint, slots: &[], example: "hint" },
    Verb {
        word: "fire",
        kind: K::Fire,
        slots: &[req("CONTINGENCY", A::Contingency)],
        example: "fire db-slow-contingency",
    },
    Verb {
        word: "reveal",
        kind: K::Reveal,
        slots: &[req("TEXT…", A::Rest)],
        example: "reveal the deploy at 16:42 touched the coupon code",
    },
    Verb {
        word: "tip",
        kind: K::Tip,
        slots: &[req("SEAT", A::Seat), req("TEXT…", A::Rest)],
        example: "tip alice look at the changes list",
    },
];

/// The verbs a player (or a drill seat) types: all but the facilitator's.
pub fn for_players() -> impl Iterator<Item = &'static Verb> {
    VERBS.iter().filter(|v| !v.kind.facilitator_only())
}

/// The verbs a command line with `names` offers: the facilitator's only on theirs.
pub fn offered(names: &super::Names) -> impl Iterator<Item = &'static Verb> {
    let facilitator = names.facilitator;
    VERBS.iter().filter(move |v| facilitator || !v.kind.facilitator_only())
}

/// The verb for a kind.
pub fn verb(kind: CommandKind) -> &'static Verb {
    VERBS.iter().find(|v| v.kind == kind).expect("every kind has a verb (tested)")
}

/// The verb a word names (case does not matter).
pub fn lookup(word: &str) -> Option<&'static Verb> {
    VERBS.iter().find(|v| v.word.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_verb_in_kind_order_and_words_are_distinct() {
        let kinds: Vec<CommandKind> = VERBS.iter().map(|v| v.kind).collect();
        assert_eq!(kinds, CommandKind::ALL.to_vec());
        let mut words: Vec<&str> = VERBS.iter().map(|v| v.word).collect();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), VERBS.len());
        assert_eq!(verb(CommandKind::Scale).usage(), "scale SERVICE INSTANCES");
        assert_eq!(verb(CommandKind::StatusUpdate).usage(), "status AUDIENCE [\"IMPACT\"] [NEXT|all-clear]");
    }
}
