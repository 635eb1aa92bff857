//! The cursor the parser walks a line with: the words after the verb and which is next; each
//! method takes the next word for one kind of place and says, if it does not fit, what that
//! place needs (with the verb's example).

use super::lex::Word;
use super::parse::what;
use super::verbs::{Arg, Slot, Verb};
use super::{ErrorKind, Names, ParseError};
use crate::scenario::error::did_you_mean;
use crate::sim::kernel::time::parse_dur;
use crate::sim::{Dur, Severity};

/// The words after the verb, and which one is next.
pub(super) struct Cursor<'a> {
    pub(super) ws: &'a [Word],
    pub(super) i: usize,
    pub(super) verb: &'static Verb,
    pub(super) names: &'a Names,
    /// The line's length: where a missing word would go.
    pub(super) end: usize,
}

impl Cursor<'_> {
    pub(super) fn peek(&self) -> Option<&Word> {
        self.ws.get(self.i)
    }

    /// "scale needs a number of instances, e.g. `scale api 8`".
    pub(super) fn needs(&self, slot: &Slot) -> String {
        format!("{} needs {}, e.g. `{}`", self.verb.word, what(slot), self.verb.example)
    }

    /// The next word, which `slot` needs.
    pub(super) fn next(&mut self, slot: &Slot) -> Result<Word, ParseError> {
        match self.ws.get(self.i) {
            Some(w) => {
                self.i += 1;
                Ok(w.clone())
            }
            None => Err(err(ErrorKind::Missing, self.needs(slot), self.end..self.end)),
        }
    }

    pub(super) fn bad(&self, w: &Word, slot: &Slot, why: &str) -> ParseError {
        err(ErrorKind::BadValue, format!("`{}` is not {}{why}: {}", w.text, what(slot), self.needs(slot)), w.at.clone())
    }

    /// A name for place `i` (service, dependency, version, flag, …), checked against the
    /// scenario.
    pub(super) fn name(&mut self, i: usize) -> Result<String, ParseError> {
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
            Arg::Contingency => ("contingency", "contingencies left to fire", self.names.contingencies.clone()),
            Arg::Certificate => {
                let mut l = vec!["edge".to_string()];
                l.extend(self.names.third_parties.iter().cloned());
                ("certificate", "certificates", l)
            }
            other => unreachable!("{other:?} is not a name"),
        };
        self.one_of(&slot, one, many, &list)
    }

    /// A seat's name: one of the drill's seats when they are known, else any word.
    pub(super) fn seat(&mut self, i: usize) -> Result<String, ParseError> {
        let slot = self.verb.slots[i];
        if self.names.seats.is_empty() {
            return Ok(self.next(&slot)?.text);
        }
        let seats = self.names.seats.clone();
        self.one_of(&slot, "seat", "seats", &seats)
    }

    /// The rest of the line from place `i` as one text (at least one word), made one clean
    /// line like scenario text.
    pub(super) fn rest(&mut self, i: usize) -> Result<String, ParseError> {
        let slot = self.verb.slots[i];
        self.next(&slot)?;
        let text = self.ws[self.i - 1..].iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
        self.i = self.ws.len();
        Ok(crate::text::clean_line(&text).into_owned())
    }

    pub(super) fn one_of(&mut self, slot: &Slot, one: &str, many: &str, list: &[String]) -> Result<String, ParseError> {
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
    pub(super) fn word_in(&mut self, slot: &Slot) -> Result<String, ParseError> {
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

    pub(super) fn severity(&mut self, i: usize) -> Result<Severity, ParseError> {
        Ok(match self.word_in(&self.verb.slots[i])?.as_str() {
            "sev1" => Severity::Sev1,
            "sev2" => Severity::Sev2,
            "sev3" => Severity::Sev3,
            _ => Severity::Sev4,
        })
    }

    pub(super) fn on_off(&mut self, i: usize) -> Result<bool, ParseError> {
        self.on_off_in(&self.verb.slots[i])
    }
    pub(super) fn on_off_in(&mut self, slot: &Slot) -> Result<bool, ParseError> {
        Ok(self.word_in(slot)? == "on")
    }

    pub(super) fn count(&mut self, i: usize) -> Result<u32, ParseError> {
        self.count_in(&self.verb.slots[i])
    }
    pub(super) fn count_in(&mut self, slot: &Slot) -> Result<u32, ParseError> {
        let w = self.next(slot)?;
        w.text.parse().map_err(|_| self.bad(&w, slot, ""))
    }

    pub(super) fn duration(&mut self, i: usize) -> Result<Dur, ParseError> {
        self.duration_in(&self.verb.slots[i])
    }
    pub(super) fn duration_in(&mut self, slot: &Slot) -> Result<Dur, ParseError> {
        let w = self.next(slot)?;
        self.duration_of(&w, slot)
    }
    pub(super) fn duration_of(&self, w: &Word, slot: &Slot) -> Result<Dur, ParseError> {
        parse_dur(&w.text).map_err(|e| self.bad(w, slot, &format!(" ({})", e.why)))
    }

    /// A positive, finite number.
    pub(super) fn positive(&mut self, slot: &Slot) -> Result<f64, ParseError> {
        let w = self.next(slot)?;
        match w.text.parse::<f64>() {
            Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
            _ => Err(self.bad(&w, slot, "")),
        }
    }

    /// Requests per second, or `off` for no limit.
    pub(super) fn rate(&mut self, i: usize) -> Result<Option<f64>, ParseError> {
        let slot = self.verb.slots[i];
        if self.peek().is_some_and(|w| w.text.eq_ignore_ascii_case("off")) {
            self.i += 1;
            return Ok(None);
        }
        self.positive(&slot).map(Some)
    }

    /// `25%`, a fraction from 0 to 1, or `off` (0).
    pub(super) fn fraction(&mut self, i: usize) -> Result<f64, ParseError> {
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
    pub(super) fn options(
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
    pub(super) fn done(&self) -> Result<(), ParseError> {
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

pub(super) fn err(kind: ErrorKind, message: String, at: std::ops::Range<usize>) -> ParseError {
    ParseError { kind, message, at }
}
