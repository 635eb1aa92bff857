//! Key bindings as data: `assets/keymap.ron` (embedded), optionally overridden by
//! `keymap.ron` in the config dir. A binding has keys, an action and a description; lookups go
//! through the screen's context, then `global`.

use super::action::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.ron");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Global,
    Menu,
    Incident,
    Dialog,
    Debrief,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Binding {
    pub keys: Vec<String>,
    pub action: Action,
    pub desc: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, rename = "Keymap")]
pub struct Keymap {
    #[serde(default)]
    pub global: Vec<Binding>,
    #[serde(default)]
    pub menu: Vec<Binding>,
    #[serde(default)]
    pub incident: Vec<Binding>,
    #[serde(default)]
    pub dialog: Vec<Binding>,
    #[serde(default)]
    pub debrief: Vec<Binding>,
}

/// A key as written in the keymap, e.g. "ctrl-c", "enter", "?".
pub fn key_name(k: &KeyEvent) -> Option<String> {
    let base = match k.code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_lowercase().to_string(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "backtab".into(),
        KeyCode::Up => "up".into(),
        KeyCode::Down => "down".into(),
        KeyCode::Left => "left".into(),
        KeyCode::Right => "right".into(),
        KeyCode::PageUp => "pageup".into(),
        KeyCode::PageDown => "pagedown".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::Backspace => "backspace".into(),
        KeyCode::F(n) => format!("f{n}"),
        _ => return None,
    };
    // Shifted characters arrive as themselves ('?', '+'); only ctrl and alt are prefixes.
    let mut name = String::new();
    if k.modifiers.contains(KeyModifiers::CONTROL) {
        name.push_str("ctrl-");
    }
    if k.modifiers.contains(KeyModifiers::ALT) {
        name.push_str("alt-");
    }
    if let KeyCode::Char(c) = k.code
        && c.is_uppercase()
        && !k.modifiers.contains(KeyModifiers::CONTROL)
    {
        name.push(c);
        return Some(name);
    }
    name.push_str(&base);
    Some(name)
}

impl Keymap {
    pub fn default_map() -> Keymap {
        parse(DEFAULT_KEYMAP).expect("the embedded keymap is valid")
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
        let name = key_name(k)?;
        [context, Context::Global]
            .into_iter()
            .flat_map(|c| self.list(c))
            .find(|b| b.keys.contains(&name))
            .map(|b| b.action)
    }

    /// Bindings shown in help and the key bar for a context: its own, then the global ones it
    /// does not shadow (same action, or every key taken by its own bindings).
    pub fn bindings(&self, context: Context) -> Vec<&Binding> {
        let own = self.list(context);
        let mut out: Vec<&Binding> = own.iter().collect();
        if context != Context::Global {
            let taken = |k: &String| own.iter().any(|b| b.keys.contains(k));
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
            .and_then(|b| b.keys.first().cloned())
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

pub fn parse(text: &str) -> Result<Keymap, String> {
    ron::Options::default()
        .from_str(text)
        .map_err(|e| format!("{}:{}: {}", e.span.start.line, e.span.start.col, e.code))
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
        let mut k = Keymap::default_map();
        let user = parse(r#"Keymap(incident: [(keys: ["p"], action: TogglePause, desc: "pause")])"#).unwrap();
        k.merge(user);
        let none = KeyModifiers::NONE;
        assert_eq!(k.lookup(Context::Incident, &key(KeyCode::Char('p'), none)), Some(Action::TogglePause));
        assert_eq!(k.lookup(Context::Incident, &key(KeyCode::Char(' '), none)), None);
    }

    #[test]
    fn a_broken_user_keymap_reports_its_position() {
        let err = parse("Keymap(incident: [(keys: [\"p\"], action: Pauze, desc: \"x\")])").unwrap_err();
        assert!(err.starts_with("1:") && err.contains("Pauze"), "{err}");
    }
}
