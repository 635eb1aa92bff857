//! Key bindings as data: `assets/keymap.ron` (embedded), optionally overridden by
//! `keymap.ron` in the config dir. A binding has keys, an action and a description; lookups go
//! through the screen's context, then `global`.
//!
//! Key names are parsed when a keymap loads (parse, don't validate): a binding holds typed
//! [`Key`]s, and a key press is compared with those, never with strings. A user keymap with
//! an unknown key, action or context is not used — the defaults stay in force — and each
//! problem is reported with its file, line, column and the valid names.

use super::action::Action;
use crate::scenario::error::{clean, did_you_mean, from_ron};
use crate::scenario::locate::{Seg, locate};
use crate::scenario::{ScenarioError, ScenarioErrors};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use std::fmt;

pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.ron");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Global,
    Menu,
    Incident,
    Dialog,
    Debrief,
}

/// The keys with a name of their own; any other key is written as its character.
const NAMED: [(&str, KeyCode); 14] = [
    ("space", KeyCode::Char(' ')),
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("backspace", KeyCode::Backspace),
];

/// What a keymap may call a key, for the hint under an unknown one.
const KEY_NAMES: &str = "a character (\"q\", \"?\", \"+\"), or space, enter, esc, tab, backtab, up, down, \
     left, right, pageup, pagedown, home, end, backspace, f1…f12; with ctrl- or alt- in front (\"ctrl-c\")";

/// A key as a keymap names it, e.g. "ctrl-c", "enter", "?". Shifted characters are
/// themselves ('?', '+', 'A'); only ctrl and alt are modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    code: KeyCode,
    ctrl: bool,
    alt: bool,
}

impl Key {
    /// The key a press is, if it is one a keymap can bind.
    pub fn from_event(k: &KeyEvent) -> Option<Key> {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let alt = k.modifiers.contains(KeyModifiers::ALT);
        let code = match k.code {
            // An upper-case letter is its own key, except with ctrl (terminals send ctrl-a).
            KeyCode::Char(c) if c.is_uppercase() && !ctrl => KeyCode::Char(c),
            KeyCode::Char(c) => {
                let mut lower = c.to_lowercase();
                match (lower.next(), lower.next()) {
                    (Some(l), None) => KeyCode::Char(l),
                    _ => return None,
                }
            }
            KeyCode::F(n) => KeyCode::F(n),
            code => NAMED.iter().find(|(_, c)| *c == code)?.1,
        };
        Some(Key { code, ctrl, alt })
    }

    /// A key name as written in a keymap: `[ctrl-][alt-]name`.
    pub fn parse(name: &str) -> Option<Key> {
        let (ctrl, rest) = name.strip_prefix("ctrl-").map_or((false, name), |r| (true, r));
        let (alt, rest) = rest.strip_prefix("alt-").map_or((false, rest), |r| (true, r));
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if c == ' ' || c.is_control() => return None,
            (Some(c), None) if c.is_uppercase() && ctrl => return None,
            (Some(c), None) if c.is_uppercase() || c.to_lowercase().eq([c]) => KeyCode::Char(c),
            (Some(_), None) => return None,
            _ => match NAMED.iter().find(|(n, _)| *n == rest) {
                Some((_, code)) => *code,
                None => KeyCode::F(rest.strip_prefix('f')?.parse().ok().filter(|n| *n >= 1)?),
            },
        };
        Some(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    /// The name a keymap writes: parsing it gives this key back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::F(n) => write!(f, "f{n}"),
            KeyCode::Char(c) if c != ' ' => write!(f, "{c}"),
            code => f.write_str(NAMED.iter().find(|(_, c)| *c == code).map_or("?", |(n, _)| n)),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub action: Action,
    pub desc: String,
}

impl Binding {
    /// The binding's keys as the keymap names them, joined by `sep` (for help and the key bar).
    pub fn key_names(&self, sep: &str) -> String {
        self.keys.iter().map(Key::to_string).collect::<Vec<_>>().join(sep)
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Keymap {
    pub global: Vec<Binding>,
    pub menu: Vec<Binding>,
    pub incident: Vec<Binding>,
    pub dialog: Vec<Binding>,
    pub debrief: Vec<Binding>,
}

/// A keymap file as written: key names still text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "Keymap")]
struct RawKeymap {
    #[serde(default)]
    global: Vec<RawBinding>,
    #[serde(default)]
    menu: Vec<RawBinding>,
    #[serde(default)]
    incident: Vec<RawBinding>,
    #[serde(default)]
    dialog: Vec<RawBinding>,
    #[serde(default)]
    debrief: Vec<RawBinding>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "Binding")]
struct RawBinding {
    keys: Vec<String>,
    action: Action,
    desc: String,
}

/// The largest keymap file read: the default keymap is a few kB.
pub const MAX_KEYMAP_BYTES: usize = 256 << 10;

impl Keymap {
    pub fn default_map() -> Keymap {
        parse("assets/keymap.ron", DEFAULT_KEYMAP).expect("the embedded keymap is valid")
    }

    /// The defaults with a user keymap (`text`, read from `file`) applied, and warnings: a
    /// user keymap with any problem is not used at all, so the defaults stay in force.
    pub fn with_user(file: &str, text: &str) -> (Keymap, Vec<String>) {
        let mut keymap = Keymap::default_map();
        match parse(file, text) {
            Ok(user) => {
                keymap.merge(user);
                (keymap, Vec::new())
            }
            Err(errors) => {
                let mut warnings = vec![format!("{file} was not used; the default keys are in force")];
                warnings.extend(
                    errors.0.iter().map(|e| format!("{}:{}:{}: {} ({})", e.file, e.line, e.col, e.message, e.hint)),
                );
                (keymap, warnings)
            }
        }
    }

    /// The defaults with the user's keymap file at `path` applied, if there is one, and the
    /// warnings to show. The file is read only if it is a regular file of at most
    /// [`MAX_KEYMAP_BYTES`]: a FIFO, a device or a directory is refused at once.
    pub fn load_user(path: &std::path::Path) -> (Keymap, Vec<String>) {
        let shown = path.display().to_string();
        match crate::store::read_text_file(path, "keymap", MAX_KEYMAP_BYTES) {
            Ok(text) => Keymap::with_user(&shown, &text),
            Err(e) if e.is_not_found() => (Keymap::default_map(), Vec::new()),
            Err(e) => (Keymap::default_map(), vec![format!("{e}; the default keys are in force")]),
        }
    }

    fn list(&self, c: Context) -> &[Binding] {
        match c {
            Context::Global => &self.global,
            Context::Menu => &self.menu,
            Context::Incident => &self.incident,
            Context::Dialog => &self.dialog,
            Context::Debrief => &self.debrief,
        }
    }

    /// The action bound to a key in `context` (then `global`).
    pub fn lookup(&self, context: Context, k: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(k)?;
        [context, Context::Global]
            .into_iter()
            .flat_map(|c| self.list(c))
            .find(|b| b.keys.contains(&key))
            .map(|b| b.action)
    }

    /// Bindings shown in help and the key bar for a context: its own, then the global ones it
    /// does not shadow (same action, or every key taken by its own bindings).
    pub fn bindings(&self, context: Context) -> Vec<&Binding> {
        let own = self.list(context);
        let mut out: Vec<&Binding> = own.iter().collect();
        if context != Context::Global {
            let taken = |k: &Key| own.iter().any(|b| b.keys.contains(k));
            out.extend(
                self.global.iter().filter(|g| !own.iter().any(|b| b.action == g.action) && !g.keys.iter().all(taken)),
            );
        }
        out
    }

    /// The first key bound to an action in a context, for hints like "press enter".
    pub fn key_for(&self, context: Context, action: Action) -> String {
        self.bindings(context)
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first().map(Key::to_string))
            .unwrap_or_default()
    }

    /// Applies a user keymap: each user binding replaces the defaults for its action in its
    /// context.
    pub fn merge(&mut self, user: Keymap) {
        for (mine, theirs) in [
            (&mut self.global, user.global),
            (&mut self.menu, user.menu),
            (&mut self.incident, user.incident),
            (&mut self.dialog, user.dialog),
            (&mut self.debrief, user.debrief),
        ] {
            for b in theirs {
                mine.retain(|x| x.action != b.action);
                mine.push(b);
            }
        }
    }
}

/// Parses a keymap; `file` names it in the problems. Every key name is checked, and each
/// unknown one is reported with its position and the names a key can have.
pub fn parse(file: &str, text: &str) -> Result<Keymap, ScenarioErrors> {
    let raw: RawKeymap =
        ron::Options::default().from_str(text).map_err(|e| ScenarioErrors(vec![from_ron(file, &e)]))?;
    let mut problems = Vec::new();
    let mut context = |name: &str, list: Vec<RawBinding>| -> Vec<Binding> {
        let mut out = Vec::with_capacity(list.len());
        for (i, b) in list.into_iter().enumerate() {
            let mut keys = Vec::with_capacity(b.keys.len());
            for (k, key) in b.keys.iter().enumerate() {
                if let Some(parsed) = Key::parse(key) {
                    keys.push(parsed);
                } else {
                    let path = [Seg::Field(name.to_string()), Seg::Index(i), Seg::Field("keys".into()), Seg::Index(k)];
                    problems.push(unknown_key(file, text, &path, key));
                }
            }
            out.push(Binding { keys, action: b.action, desc: b.desc });
        }
        out
    };
    let keymap = Keymap {
        global: context("global", raw.global),
        menu: context("menu", raw.menu),
        incident: context("incident", raw.incident),
        dialog: context("dialog", raw.dialog),
        debrief: context("debrief", raw.debrief),
    };
    if problems.is_empty() { Ok(keymap) } else { Err(ScenarioErrors(problems)) }
}

/// An unknown key name, positioned, with the names a key can have.
fn unknown_key(file: &str, text: &str, path: &[Seg], key: &str) -> ScenarioError {
    let (line, col) = locate(text, path).unwrap_or((1, 1));
    let names: Vec<&str> = NAMED.iter().map(|(n, _)| *n).collect();
    ScenarioError {
        file: file.to_string(),
        line,
        col,
        message: clean(&format!("unknown key `{key}`")),
        hint: format!("{}keys are {KEY_NAMES}", did_you_mean(key, &names)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn the_default_keymap_binds_the_conventions_people_know() {
        let k = Keymap::default_map();
        let none = KeyModifiers::NONE;
        assert_eq!(k.lookup(Context::Incident, &key(KeyCode::Char('?'), KeyModifiers::SHIFT)), Some(Action::Help));
        assert_eq!(k.lookup(Context::Incident, &key(KeyCode::Char(' '), none)), Some(Action::TogglePause));
        assert_eq!(k.lookup(Context::Incident, &key(KeyCode::Char('j'), none)), Some(Action::Down));
        assert_eq!(k.lookup(Context::Incident, &key(KeyCode::Enter, none)), Some(Action::Actions));
        assert_eq!(k.lookup(Context::Menu, &key(KeyCode::Enter, none)), Some(Action::Select));
        assert_eq!(
            k.lookup(Context::Incident, &key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::ForceQuit)
        );
        assert_eq!(k.lookup(Context::Incident, &key(KeyCode::Char('+'), KeyModifiers::SHIFT)), Some(Action::SpeedUp));
    }

    #[test]
    fn a_user_binding_replaces_the_default_for_its_action() {
        let (k, warnings) =
            Keymap::with_user("keymap.ron", r#"Keymap(incident: [(keys: ["p"], action: TogglePause, desc: "pause")])"#);
        assert!(warnings.is_empty(), "{warnings:?}");
        let none = KeyModifiers::NONE;
        assert_eq!(k.lookup(Context::Incident, &key(KeyCode::Char('p'), none)), Some(Action::TogglePause));
        assert_eq!(k.lookup(Context::Incident, &key(KeyCode::Char(' '), none)), None);
    }

    /// The keymap in force after loading `text` as the user's keymap, and the warnings.
    fn load(text: &str) -> (Keymap, Vec<String>) {
        Keymap::with_user("/home/me/.config/firedrill/keymap.ron", text)
    }

    #[test]
    fn a_misspelt_key_is_reported_where_it_is_and_space_stays_bound() {
        let text =
            "Keymap(\n  incident: [\n    (keys: [\"p\", \"spcae\"], action: TogglePause, desc: \"pause\"),\n  ],\n)";
        let (k, warnings) = load(text);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(warnings[0], "/home/me/.config/firedrill/keymap.ron was not used; the default keys are in force");
        let w = &warnings[1];
        assert!(w.starts_with("/home/me/.config/firedrill/keymap.ron:3:18: unknown key `spcae`"), "{w}");
        for name in ["space", "enter", "esc", "backtab", "pagedown", "f1", "ctrl-"] {
            assert!(w.contains(name), "the valid names are listed: {w}");
        }
        let none = KeyModifiers::NONE;
        assert_eq!(k.lookup(Context::Incident, &key(KeyCode::Char(' '), none)), Some(Action::TogglePause));
        assert_eq!(k.lookup(Context::Incident, &key(KeyCode::Char('p'), none)), None, "nothing of the file is used");
    }

    #[test]
    fn every_unknown_key_is_reported_not_just_the_first() {
        let (_, warnings) = load(
            r#"Keymap(global: [(keys: ["ctrl-"], action: Quit, desc: "q"), (keys: ["F1", "Space"], action: Help, desc: "h")])"#,
        );
        let positions: Vec<&str> = warnings[1..].iter().map(|w| w.split(": unknown").next().unwrap_or("")).collect();
        assert_eq!(
            positions,
            [
                "/home/me/.config/firedrill/keymap.ron:1:25",
                "/home/me/.config/firedrill/keymap.ron:1:69",
                "/home/me/.config/firedrill/keymap.ron:1:75"
            ],
            "{warnings:?}"
        );
    }

    #[test]
    fn an_unknown_action_or_context_is_reported_with_the_valid_names() {
        let (k, warnings) = load("Keymap(incident: [(keys: [\"p\"], action: Pauze, desc: \"x\")])");
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        let w = &warnings[1];
        assert!(w.starts_with("/home/me/.config/firedrill/keymap.ron:1:"), "{w}");
        assert!(w.contains("unknown variant `Pauze`") && w.contains("TogglePause") && w.contains("ForceQuit"), "{w}");
        assert_eq!(k, Keymap::default_map(), "the defaults stay in force");

        let (k, warnings) = load("Keymap(\n  incdent: [],\n)");
        let w = &warnings[1];
        assert!(w.starts_with("/home/me/.config/firedrill/keymap.ron:2:3: unknown field `incdent`"), "{w}");
        assert!(w.contains("did you mean `incident`?") && w.contains("global, menu, incident, dialog, debrief"), "{w}");
        assert_eq!(k, Keymap::default_map());
    }

    #[test]
    fn a_key_name_reads_back_as_itself() {
        for name in ["q", "?", "+", "A", "space", "enter", "backtab", "f1", "f12", "ctrl-c", "alt-x", "ctrl-alt-up"] {
            assert_eq!(Key::parse(name).map(|k| k.to_string()).as_deref(), Some(name));
        }
        for bad in ["", " ", "spcae", "Space", "ctrl-A", "f0", "fx", "ab", "alt-ctrl-c", "\u{1b}"] {
            assert_eq!(Key::parse(bad), None, "{bad:?}");
        }
        // Every default binding shows its keys exactly as assets/keymap.ron writes them (its
        // contexts are in this order).
        let k = Keymap::default_map();
        let shown: Vec<String> = [&k.global, &k.menu, &k.incident, &k.debrief, &k.dialog]
            .into_iter()
            .flatten()
            .flat_map(|b| b.keys.iter().map(Key::to_string))
            .collect();
        let written: Vec<&str> = DEFAULT_KEYMAP
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .filter_map(|l| l.split("keys: [").nth(1))
            .filter_map(|l| l.split("], action").next())
            .flat_map(|ks| ks.split(", "))
            .map(|k| k.trim_matches('"'))
            .collect();
        assert_eq!(shown, written);
    }

    #[test]
    fn a_press_matches_its_binding_whatever_shift_says() {
        let k = Keymap::default_map();
        assert_eq!(k.lookup(Context::Incident, &key(KeyCode::Char('?'), KeyModifiers::SHIFT)), Some(Action::Help));
        assert_eq!(k.lookup(Context::Incident, &key(KeyCode::BackTab, KeyModifiers::SHIFT)), Some(Action::FocusPrev));
        assert_eq!(Key::from_event(&key(KeyCode::Char('C'), KeyModifiers::CONTROL)), Key::parse("ctrl-c"));
        assert_eq!(Key::from_event(&key(KeyCode::Insert, KeyModifiers::NONE)), None, "not bindable");
    }
}
