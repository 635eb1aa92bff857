//! Text → `Command`. A cursor walks the words of a line in the order the verb's places
//! ([`super::verbs`]) give; each place knows what it needs, so each error says what was
//! expected there, with an example of the whole command.

use super::lex::{Word, words};
use super::verbs::{self, Arg, RESTART_WORDS, Slot, Verb};
use super::{ErrorKind, Names, ParseError};
use crate::scenario::error::did_you_mean;
use crate::sim::kernel::time::parse_dur;
use crate::sim::model::spec::{Backoff, Lane};
use crate::sim::{Audience, Command, CommandKind, Dur, Severity};

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
    let Some(verb) = verbs::lookup(&first.text) else {
        let all: Vec<&str> = verbs::VERBS.iter().map(|v| v.word).collect();
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
        K::RenewCert => Command::RenewCert { target: c.name(0)? },
        K::Page => Command::Page { team: c.name(0)? },
        K::Hint => Command::Hint,
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
    let (text, next) = match rest.split_last() {
        Some((last, before)) if !last.quoted && parse_dur(&last.text).is_ok() => {
            (before, c.duration_of(last, &c.verb.slots[2])?)
        }
        _ => (rest, DEFAULT_NEXT_UPDATE),
    };
    c.i = c.ws.len();
    let impact = text.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
    Ok(Command::StatusUpdate { audience, impact, next_update: next })
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

/// The words after the verb, and which one is next.
struct Cursor<'a> {
    ws: &'a [Word],
    i: usize,
    verb: &'static Verb,
    names: &'a Names,
    /// The line's length: where a missing word would go.
    end: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<&Word> {
        self.ws.get(self.i)
    }

    /// "scale needs a number of instances, e.g. `scale api 8`".
    fn needs(&self, slot: &Slot) -> String {
        format!("{} needs {}, e.g. `{}`", self.verb.word, what(slot), self.verb.example)
    }

    /// The next word, which `slot` needs.
    fn next(&mut self, slot: &Slot) -> Result<Word, ParseError> {
        match self.ws.get(self.i) {
            Some(w) => {
                self.i += 1;
                Ok(w.clone())
            }
            None => Err(err(ErrorKind::Missing, self.needs(slot), self.end..self.end)),
        }
    }

    fn bad(&self, w: &Word, slot: &Slot, why: &str) -> ParseError {
        err(ErrorKind::BadValue, format!("`{}` is not {}{why}: {}", w.text, what(slot), self.needs(slot)), w.at.clone())
    }

    /// A name for place `i` (service, dependency, version, flag, …), checked against the
    /// scenario.
    fn name(&mut self, i: usize) -> Result<String, ParseError> {
        let slot = self.verb.slots[i];
        let (one, many, list): (&str, &str, Vec<String>) = match slot.arg {
            Arg::Service => ("service", "services", self.names.services.clone()),
            Arg::Dependency => {
                let service = self.ws.first().map(|w| w.text.as_str()).unwrap_or_default();
                let s = self.names.service_index(service).unwrap_or(0);
                ("dependency", "its dependencies", self.names.deps.get(s).cloned().unwrap_or_default())
            }
            Arg::Version => ("version", "versions", self.names.versions.clone()),
            Arg::Flag => ("feature flag", "feature flags", self.names.flags.clone()),
            Arg::Cache => ("cache", "caches", self.names.caches.clone()),
            Arg::Team => ("team", "teams", self.names.teams.clone()),
            Arg::Alert => ("alert", "alerts", self.names.alerts.clone()),
            Arg::Client => ("client", "clients seen at the edge", self.names.clients.clone()),
            Arg::Certificate => {
                let mut l = vec!["edge".to_string()];
                l.extend(self.names.third_parties.iter().cloned());
                ("certificate", "certificates", l)
            }
            other => unreachable!("{other:?} is not a name"),
        };
        self.one_of(&slot, one, many, &list)
    }

    fn one_of(&mut self, slot: &Slot, one: &str, many: &str, list: &[String]) -> Result<String, ParseError> {
        let w = self.next(slot)?;
        if list.is_empty() {
            return Err(err(
                ErrorKind::NothingToName,
                format!("there are no {many} in this scenario for `{}`", self.verb.word),
                w.at,
            ));
        }
        if let Some(exact) = list.iter().find(|n| **n == w.text) {
            return Ok(exact.clone());
        }
        let folded: Vec<&String> = list.iter().filter(|n| n.eq_ignore_ascii_case(&w.text)).collect();
        if let [one] = folded.as_slice() {
            return Ok((*one).clone());
        }
        let all: Vec<&str> = list.iter().map(String::as_str).collect();
        Err(err(
            ErrorKind::UnknownName,
            format!("unknown {one} `{}`: {}{many} are: {}", w.text, did_you_mean(&w.text, &all), all.join(", ")),
            w.at,
        ))
    }

    /// One of a fixed set of words (lower-cased).
    fn word_in(&mut self, slot: &Slot) -> Result<String, ParseError> {
        let allowed: &[&str] = match slot.arg {
            Arg::Words(w) => w,
            Arg::OnOff => &["on", "off"],
            Arg::Audience => &["internal", "executives", "customers"],
            Arg::Severity => &["sev1", "sev2", "sev3", "sev4"],
            other => unreachable!("{other:?} is not a set of words"),
        };
        let w = self.next(slot)?;
        let lower = w.text.to_ascii_lowercase();
        if allowed.contains(&lower.as_str()) {
            return Ok(lower);
        }
        Err(err(
            ErrorKind::BadValue,
            format!(
                "`{}` is not {}: {}write one of: {}",
                w.text,
                what(slot),
                did_you_mean(&w.text, allowed),
                allowed.join(", ")
            ),
            w.at,
        ))
    }

    fn severity(&mut self, i: usize) -> Result<Severity, ParseError> {
        Ok(match self.word_in(&self.verb.slots[i])?.as_str() {
            "sev1" => Severity::Sev1,
            "sev2" => Severity::Sev2,
            "sev3" => Severity::Sev3,
            _ => Severity::Sev4,
        })
    }

    fn on_off(&mut self, i: usize) -> Result<bool, ParseError> {
        self.on_off_in(&self.verb.slots[i])
    }
    fn on_off_in(&mut self, slot: &Slot) -> Result<bool, ParseError> {
        Ok(self.word_in(slot)? == "on")
    }

    fn count(&mut self, i: usize) -> Result<u32, ParseError> {
        self.count_in(&self.verb.slots[i])
    }
    fn count_in(&mut self, slot: &Slot) -> Result<u32, ParseError> {
        let w = self.next(slot)?;
        w.text.parse().map_err(|_| self.bad(&w, slot, ""))
    }

    fn duration(&mut self, i: usize) -> Result<Dur, ParseError> {
        self.duration_in(&self.verb.slots[i])
    }
    fn duration_in(&mut self, slot: &Slot) -> Result<Dur, ParseError> {
        let w = self.next(slot)?;
        self.duration_of(&w, slot)
    }
    fn duration_of(&self, w: &Word, slot: &Slot) -> Result<Dur, ParseError> {
        parse_dur(&w.text).map_err(|e| self.bad(w, slot, &format!(" ({})", e.why)))
    }

    /// A positive, finite number.
    fn positive(&mut self, slot: &Slot) -> Result<f64, ParseError> {
        let w = self.next(slot)?;
        match w.text.parse::<f64>() {
            Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
            _ => Err(self.bad(&w, slot, "")),
        }
    }

    /// Requests per second, or `off` for no limit.
    fn rate(&mut self, i: usize) -> Result<Option<f64>, ParseError> {
        let slot = self.verb.slots[i];
        if self.peek().is_some_and(|w| w.text.eq_ignore_ascii_case("off")) {
            self.i += 1;
            return Ok(None);
        }
        self.positive(&slot).map(Some)
    }

    /// `25%`, a fraction from 0 to 1, or `off` (0).
    fn fraction(&mut self, i: usize) -> Result<f64, ParseError> {
        let slot = self.verb.slots[i];
        let w = self.next(&slot)?;
        let value = if w.text.eq_ignore_ascii_case("off") {
            Some(0.0)
        } else if let Some(p) = w.text.strip_suffix('%') {
            p.parse::<f64>().ok().map(|p| p / 100.0)
        } else {
            w.text.parse::<f64>().ok()
        };
        match value {
            Some(f) if (0.0..=1.0).contains(&f) => Ok(f),
            Some(_) => Err(self.bad(&w, &slot, " from 0% to 100%")),
            None => Err(self.bad(&w, &slot, "")),
        }
    }

    /// `name value` pairs for the options place `i`, each name at most once.
    fn options(
        &mut self,
        i: usize,
        mut each: impl FnMut(&mut Self, &'static str, &Slot) -> Result<(), ParseError>,
    ) -> Result<(), ParseError> {
        let Arg::Options(options) = self.verb.slots[i].arg else { unreachable!("not an options place") };
        let mut seen: Vec<&str> = Vec::new();
        while let Some(w) = self.peek().cloned() {
            let lower = w.text.to_ascii_lowercase();
            let Some(&(name, arg)) = options.iter().find(|(n, _)| *n == lower) else {
                let all: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                return Err(err(
                    ErrorKind::Extra,
                    format!(
                        "unexpected `{}`: {}{} takes the options: {} (usage: {})",
                        w.text,
                        did_you_mean(&w.text, &all),
                        self.verb.word,
                        all.join(", "),
                        self.verb.usage()
                    ),
                    w.at,
                ));
            };
            if seen.contains(&name) {
                return Err(err(ErrorKind::Repeated, format!("`{name}` is given twice"), w.at));
            }
            seen.push(name);
            self.i += 1;
            each(self, name, &Slot { name, arg, optional: false })?;
        }
        Ok(())
    }

    /// Every word was used.
    fn done(&self) -> Result<(), ParseError> {
        match self.peek() {
            None => Ok(()),
            Some(w) => Err(err(
                ErrorKind::Extra,
                format!("unexpected `{}`: write `{}`, e.g. `{}`", w.text, self.verb.usage(), self.verb.example),
                w.at.clone(),
            )),
        }
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
        Arg::Text => "text".into(),
        Arg::Words(w) => format!("one of {}", w.join(", ")),
        Arg::Options(_) => "an option".into(),
    }
}

fn err(kind: ErrorKind, message: String, at: std::ops::Range<usize>) -> ParseError {
    ParseError { kind, message, at }
}
