//! Text → `Command`. A cursor walks the words of a line in the order the verb's places
//! ([`super::verbs`]) give; each place knows what it needs, so each error says what was
//! expected there, with an example of the whole command.

use super::cursor::Cursor;
use super::lex::words;
use super::verbs::{self, Arg, RESTART_WORDS, Slot};
use super::{ErrorKind, Names, ParseError};
use crate::scenario::error::did_you_mean;
use crate::sim::kernel::time::parse_dur;
use crate::sim::model::spec::{Backoff, Lane};
use crate::sim::{Audience, Command, CommandKind, Dur};

/// How long a status update promises the next one when the line does not say.
pub const DEFAULT_NEXT_UPDATE: Dur = Dur(30 * crate::sim::kernel::time::MIN);

/// Parses one command line against the scenario's names.
pub fn parse(line: &str, names: &Names) -> Result<Command, ParseError> {
    let ws = words(line).map_err(|u| ParseError {
        kind: ErrorKind::Unclosed,
        message: "the quoted text is not closed: add a `\"` at its end".into(),
        at: u.0..line.len(),
    })?;
    let Some(first) = ws.first() else {
        return Err(ParseError {
            kind: ErrorKind::Empty,
            message: "type a command, e.g. `rollback api` (help lists them all)".into(),
            at: 0..0,
        });
    };
    let found = verbs::lookup(&first.text);
    if let Some(v) = found.filter(|v| v.kind.facilitator_only() && !names.facilitator) {
        return Err(ParseError {
            kind: ErrorKind::UnknownVerb,
            message: format!("`{}` is a drill facilitator's command: {}", v.word, v.kind.describe()),
            at: first.at.clone(),
        });
    }
    let Some(verb) = found else {
        let all: Vec<&str> = verbs::offered(names).map(|v| v.word).collect();
        return Err(ParseError {
            kind: ErrorKind::UnknownVerb,
            message: format!(
                "unknown command `{}`: {}commands are: {}",
                first.text,
                did_you_mean(&first.text, &all),
                all.join(", ")
            ),
            at: first.at.clone(),
        });
    };
    let mut c = Cursor { ws: &ws[1..], i: 0, verb, names, end: line.len() };
    let command = command(&mut c)?;
    c.done()?;
    Ok(command)
}

fn command(c: &mut Cursor<'_>) -> Result<Command, ParseError> {
    use CommandKind as K;
    Ok(match c.verb.kind {
        K::Ack => Command::Ack { alert: c.name(0)? },
        K::Declare => Command::Declare { severity: c.severity(0)? },
        K::StatusUpdate => status(c)?,
        K::ChangeSeverity => Command::ChangeSeverity { severity: c.severity(0)? },
        K::Resolve => Command::Resolve,
        K::Rollback => Command::Rollback { service: c.name(0)? },
        K::PauseRollout => Command::PauseRollout { service: c.name(0)? },
        K::ResumeRollout => Command::ResumeRollout { service: c.name(0)? },
        K::Deploy => Command::Deploy { service: c.name(0)?, version: c.name(1)? },
        K::Scale => Command::Scale { service: c.name(0)?, instances: c.count(1)? },
        K::Restart => {
            let service = c.name(0)?;
            match c.peek().map(|w| w.text.to_ascii_lowercase()) {
                None => Command::Restart { service, instance: None, all_at_once: false },
                Some(w) if w == "rolling" || w == "all" => {
                    c.i += 1;
                    Command::Restart { service, instance: None, all_at_once: false }
                }
                Some(w) if w == "all-at-once" => {
                    c.i += 1;
                    Command::Restart { service, instance: None, all_at_once: true }
                }
                Some(_) => Command::Restart { service, instance: Some(c.count(1)?), all_at_once: false },
            }
        }
        K::Drain => Command::Drain { service: c.name(0)?, instance: c.count(1)? },
        K::SetFlag => Command::SetFlag { flag: c.name(0)?, on: c.on_off(1)? },
        K::SetRateLimit => {
            let rps = c.rate(0)?;
            let mut burst = None;
            c.options(1, |c, name, slot| {
                debug_assert_eq!(name, "burst");
                burst = Some(c.positive(slot)?);
                Ok(())
            })?;
            Command::SetRateLimit { rps, burst }
        }
        K::SetShed => Command::SetShed { fraction: c.fraction(0)? },
        K::BlockClient => Command::BlockClient { client: c.name(0)? },
        K::SetBreaker => Command::SetBreaker { service: c.name(0)?, dependency: c.name(1)?, enabled: c.on_off(2)? },
        K::SetRetries => {
            let (service, dependency, max_attempts) = (c.name(0)?, c.name(1)?, c.count(2)?);
            let (mut budget, mut backoff) = (None, None);
            c.options(3, |c, name, slot| {
                match name {
                    "budget" => budget = Some(c.on_off_in(slot)?),
                    _ => backoff = Some(backoff_of(&c.word_in(slot)?)),
                }
                Ok(())
            })?;
            Command::SetRetries { service, dependency, max_attempts, budget, backoff }
        }
        K::SetTimeout => Command::SetTimeout { service: c.name(0)?, dependency: c.name(1)?, timeout: c.duration(2)? },
        K::SetPoolSize => Command::SetPoolSize { service: c.name(0)?, size: c.count(1)? },
        K::SetDeadlines => Command::SetDeadlines { service: c.name(0)?, on: c.on_off(1)? },
        K::SetHealthCheck => health(c)?,
        K::RevertConfig => Command::RevertConfig { service: c.name(0)? },
        K::FlushCache => Command::FlushCache { cache: c.name(0)? },
        K::WarmCache => Command::WarmCache { cache: c.name(0)? },
        K::Failover => Command::Failover,
        K::Restore => Command::Restore,
        K::RenewCert => Command::RenewCert { target: c.name(0)? },
        K::Page => Command::Page { team: c.name(0)? },
        K::Hint => Command::Hint,
        K::Fire => Command::Fire { entry: c.name(0)? },
        K::Reveal => Command::Reveal { text: c.rest(0)? },
        K::Tip => {
            let seat = c.seat(0)?;
            Command::Tip { seat, text: c.rest(1)? }
        }
    })
}

/// `status AUDIENCE ["IMPACT"] [NEXT]`: the impact is the quoted text or the words after the
/// audience; a last unquoted word that is a duration is when the next update is promised.
fn status(c: &mut Cursor<'_>) -> Result<Command, ParseError> {
    let audience = match c.word_in(&c.verb.slots[0])?.as_str() {
        "internal" => Audience::Internal,
        "executives" => Audience::Executives,
        _ => Audience::Customers,
    };
    let ws = c.ws;
    let rest = &ws[c.i..];
    // The last unquoted word: when the next update is promised, or `all-clear` (the final
    // update, which promises none).
    let (text, next, all_clear) = match rest.split_last() {
        Some((last, before)) if !last.quoted && last.text.eq_ignore_ascii_case("all-clear") => {
            (before, crate::sim::Dur::ZERO, true)
        }
        Some((last, before)) if !last.quoted && parse_dur(&last.text).is_ok() => {
            (before, c.duration_of(last, &c.verb.slots[2])?, false)
        }
        _ => (rest, DEFAULT_NEXT_UPDATE, false),
    };
    c.i = c.ws.len();
    let impact = text.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
    Ok(Command::StatusUpdate { audience, impact, next_update: next, all_clear })
}

/// `healthcheck SERVICE [on|off] [endpoint E] [lane shared|own] [interval D] [timeout D]
/// [unhealthy N] [healthy N]`.
fn health(c: &mut Cursor<'_>) -> Result<Command, ParseError> {
    let service = c.name(0)?;
    let enabled = match c.peek().map(|w| w.text.to_ascii_lowercase()) {
        Some(w) if w == "on" || w == "off" => {
            c.i += 1;
            Some(w == "on")
        }
        _ => None,
    };
    let mut h = Command::SetHealthCheck {
        service: service.clone(),
        endpoint: None,
        lane: None,
        interval: None,
        timeout: None,
        unhealthy_after: None,
        healthy_after: None,
        enabled,
    };
    let Command::SetHealthCheck { endpoint, lane, interval, timeout, unhealthy_after, healthy_after, .. } = &mut h
    else {
        unreachable!()
    };
    let s = c.names.service_index(&service).unwrap_or(0);
    c.options(2, |c, name, slot| {
        match name {
            "endpoint" => {
                let list = c.names.endpoints.get(s).cloned().unwrap_or_default();
                *endpoint = Some(c.one_of(slot, "endpoint", "endpoints", &list)?);
            }
            "lane" => *lane = Some(if c.word_in(slot)? == "own" { Lane::Separate } else { Lane::Shared }),
            "interval" => *interval = Some(c.duration_in(slot)?),
            "timeout" => *timeout = Some(c.duration_in(slot)?),
            "unhealthy" => *unhealthy_after = Some(c.count_in(slot)?),
            _ => *healthy_after = Some(c.count_in(slot)?),
        }
        Ok(())
    })?;
    Ok(h)
}

fn backoff_of(word: &str) -> Backoff {
    match word {
        "none" => Backoff::None,
        "exponential" => Backoff::Exponential,
        "full" => Backoff::Full,
        "equal" => Backoff::Equal,
        _ => Backoff::Decorrelated,
    }
}

/// What a place needs, in words: "a service", "a number of instances".
pub(super) fn what(slot: &Slot) -> String {
    match slot.arg {
        Arg::Service => "a service".into(),
        Arg::Dependency => "a dependency".into(),
        Arg::Version => "a version".into(),
        Arg::Flag => "a feature flag".into(),
        Arg::Cache => "a cache".into(),
        Arg::Team => "a team".into(),
        Arg::Alert => "an alert".into(),
        Arg::Client => "a client".into(),
        Arg::Certificate => "`edge` or a third party".into(),
        Arg::Severity => "a severity (sev1 is the worst)".into(),
        Arg::Audience => "an audience".into(),
        Arg::OnOff => "on or off".into(),
        Arg::Count => match slot.name {
            "INSTANCES" => "a number of instances".into(),
            "TRIES" => "a number of tries (1 = no retries)".into(),
            "SIZE" => "a pool size".into(),
            _ => "a whole number".into(),
        },
        Arg::Number => "a positive number".into(),
        Arg::Instance if slot.optional => format!("an instance number, or {}", RESTART_WORDS.join(" or ")),
        Arg::Instance => "an instance number".into(),
        Arg::Duration => "a duration like 2s, 500ms or 5m".into(),
        Arg::Rate => "a number of requests per second (or off)".into(),
        Arg::Fraction => "a percentage like 25%".into(),
        Arg::Text | Arg::Rest => "text".into(),
        Arg::Contingency => "a contingency's label".into(),
        Arg::Seat => "a seat's name".into(),
        Arg::Words(w) => format!("one of {}", w.join(", ")),
        Arg::Options(_) => "an option".into(),
    }
}
