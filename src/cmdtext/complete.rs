//! Completion: for a partly typed line, the candidates for the word being typed — verbs
//! first, then the places of that verb (services, a service's dependencies, flags, caches,
//! teams, alerts, severities, on/off, option names) — and what the tab key makes of the line.

use super::Names;
use super::lex::{Word, words};
use super::parse::what;
use super::verbs::{self, Arg, RESTART_WORDS, Slot, Verb};

/// What may come at the cursor (the end of the line).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// Where the word being typed starts (bytes); the line's length when it is a new word.
    pub start: usize,
    /// The words that fit, in a useful order (the scenario's order; firing alerts first).
    pub candidates: Vec<String>,
    /// The verb's usage (`scale SERVICE INSTANCES`), once the verb is known.
    pub usage: Option<String>,
    /// What the next word is (`a service`), when a place is known.
    pub expects: Option<String>,
}

/// The completion at the end of `line`.
pub fn complete(line: &str, names: &Names) -> Completion {
    let Ok(ws) = words(line) else { return Completion { start: line.len(), ..Completion::default() } };
    let new_word = line.is_empty() || line.ends_with(char::is_whitespace);
    let (done, partial, start) = match ws.split_last() {
        Some((last, before)) if !new_word => (before, last.text.as_str(), last.at.start),
        _ => (ws.as_slice(), "", line.len()),
    };
    let fits = |c: &String| c.to_lowercase().starts_with(&partial.to_lowercase());
    let Some((first, args)) = done.split_first() else {
        let candidates = verbs::offered(names).map(|v| v.word.to_string()).filter(fits).collect();
        return Completion { start, candidates, usage: None, expects: Some("a command".into()) };
    };
    let Some(verb) = verbs::lookup(&first.text).filter(|v| names.facilitator || !v.kind.facilitator_only()) else {
        return Completion { start, ..Completion::default() };
    };
    let (candidates, expects) = next(verb, verb.slots, args, names);
    Completion { start, candidates: candidates.into_iter().filter(fits).collect(), usage: Some(verb.usage()), expects }
}

/// The line after pressing tab, and the completion it was based on: one candidate replaces
/// the word (and a space follows); several extend it to what they all start with.
pub fn tab(line: &str, names: &Names) -> (String, Completion) {
    let c = complete(line, names);
    let new = match c.candidates.as_slice() {
        [] => line.to_string(),
        [one] => format!("{}{one} ", &line[..c.start]),
        many => {
            let common = common_prefix(many);
            if common.chars().count() > line[c.start..].chars().count() {
                format!("{}{common}", &line[..c.start])
            } else {
                line.to_string()
            }
        }
    };
    (new, c)
}

fn common_prefix(words: &[String]) -> String {
    let first = &words[0];
    let mut end = first.len();
    for w in &words[1..] {
        end = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .map(|((i, a), _)| i + a.len_utf8())
            .last()
            .unwrap_or(0)
            .min(end);
    }
    first[..end].to_string()
}

/// The candidates for the place after `args`, walking the verb's places.
fn next(verb: &Verb, slots: &[Slot], args: &[Word], names: &Names) -> (Vec<String>, Option<String>) {
    let service = args.first().and_then(|w| names.service_index(&w.text));
    let mut w = 0;
    for (j, slot) in slots.iter().enumerate() {
        if let Arg::Options(options) = slot.arg {
            return option_candidates(options, &args[w.min(args.len())..], service, names);
        }
        match args.get(w) {
            Some(word) if !slot.optional || fits_slot(slot, &word.text) => w += 1,
            Some(_) => {}
            None => {
                let mut out = candidates(verb, slot, service, names);
                // An optional place may be skipped: what may follow it fits here too.
                if slot.optional {
                    let after = next(verb, &slots[j + 1..], &[], names).0;
                    for c in after {
                        if !out.contains(&c) {
                            out.push(c);
                        }
                    }
                }
                return (out, Some(what(slot)));
            }
        }
    }
    (Vec::new(), None)
}

/// Whether a word can fill an optional place (so completion knows if it was skipped).
fn fits_slot(slot: &Slot, word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    match slot.arg {
        Arg::OnOff => w == "on" || w == "off",
        Arg::Instance => RESTART_WORDS.contains(&w.as_str()) || w == "all" || w.parse::<u32>().is_ok(),
        Arg::Duration => crate::sim::kernel::time::parse_dur(&w).is_ok(),
        _ => true,
    }
}

fn option_candidates(
    options: &[(&'static str, Arg)],
    rest: &[Word],
    service: Option<usize>,
    names: &Names,
) -> (Vec<String>, Option<String>) {
    let mut used: Vec<&str> = Vec::new();
    let mut it = rest.iter();
    while let Some(name) = it.next() {
        let Some(&(n, arg)) = options.iter().find(|(n, _)| n.eq_ignore_ascii_case(&name.text)) else {
            return (Vec::new(), None);
        };
        used.push(n);
        if it.next().is_none() {
            let slot = Slot { name: n, arg, optional: false };
            let values = match (n, arg) {
                ("endpoint", _) => service.and_then(|s| names.endpoints.get(s)).cloned().unwrap_or_default(),
                _ => arg_candidates(arg, service, names),
            };
            return (values, Some(what(&slot)));
        }
    }
    let left = options.iter().filter(|(n, _)| !used.contains(n)).map(|(n, _)| (*n).to_string()).collect();
    (left, Some("an option".into()))
}

fn candidates(verb: &Verb, slot: &Slot, service: Option<usize>, names: &Names) -> Vec<String> {
    let mut out = arg_candidates(slot.arg, service, names);
    if verb.kind == crate::sim::CommandKind::Restart {
        out.extend(RESTART_WORDS.iter().map(|w| (*w).to_string()));
    }
    out
}

fn arg_candidates(arg: Arg, service: Option<usize>, names: &Names) -> Vec<String> {
    let strings = |w: &[&str]| w.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    let of_service = |per: &[Vec<String>]| service.and_then(|s| per.get(s)).cloned().unwrap_or_default();
    match arg {
        Arg::Service => names.services.clone(),
        Arg::Dependency => of_service(&names.deps),
        Arg::Version => names.versions.clone(),
        Arg::Flag => names.flags.clone(),
        Arg::Cache => names.caches.clone(),
        Arg::Team => names.teams.clone(),
        Arg::Alert => names.alerts.clone(),
        Arg::Client => names.clients.clone(),
        Arg::Certificate => std::iter::once("edge".to_string()).chain(names.third_parties.iter().cloned()).collect(),
        Arg::Severity => strings(&["sev1", "sev2", "sev3", "sev4"]),
        Arg::Audience => strings(&["internal", "executives", "customers"]),
        Arg::OnOff => strings(&["on", "off"]),
        Arg::Instance => service
            .and_then(|s| names.instances.get(s))
            .map(|n| n.iter().map(u32::to_string).collect())
            .unwrap_or_default(),
        Arg::Rate => strings(&["off"]),
        Arg::Fraction => strings(&["0%", "10%", "25%", "50%"]),
        Arg::Words(w) => strings(w),
        Arg::Options(o) => o.iter().map(|(n, _)| (*n).to_string()).collect(),
        Arg::Contingency => names.contingencies.clone(),
        Arg::Seat => names.seats.clone(),
        Arg::Count | Arg::Number | Arg::Duration | Arg::Text | Arg::Rest => Vec::new(),
    }
}
