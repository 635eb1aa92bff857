//! Looks: colours (default, high-contrast, or none when `NO_COLOR` is set) and glyphs
//! (Unicode, or ASCII only: no box drawing, braille or block characters). Colour is never the
//! only signal: every state also has a symbol and a word.

use crate::store::ThemeName;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

/// Health of a component, as the service map shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    Ok,
    Warn,
    Crit,
    NoData,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub name: ThemeName,
    pub ascii: bool,
    pub color: bool,
}

pub const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Theme {
    /// `no_color` is whether `NO_COLOR` is set to a non-empty value.
    pub fn new(name: ThemeName, ascii: bool, no_color: bool) -> Theme {
        Theme { name, ascii, color: !no_color }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }

    fn hc(&self) -> bool {
        self.name == ThemeName::HighContrast
    }

    pub fn text(&self) -> Style {
        if self.hc() && self.color { Style::new().fg(Color::White) } else { Style::new() }
    }
    pub fn dim(&self) -> Style {
        if self.hc() || !self.color { Style::new() } else { Style::new().fg(Color::DarkGray) }
    }
    pub fn title(&self) -> Style {
        self.fg(if self.hc() { Color::White } else { Color::Cyan }).add_modifier(Modifier::BOLD)
    }
    pub fn accent(&self) -> Style {
        self.fg(if self.hc() { Color::LightYellow } else { Color::Yellow })
    }
    pub fn border(&self, focused: bool) -> Style {
        match (focused, self.color) {
            (true, true) => Style::new().fg(if self.hc() { Color::White } else { Color::Cyan }),
            (true, false) => Style::new().add_modifier(Modifier::BOLD),
            (false, _) => self.dim(),
        }
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn health(&self, h: Health) -> Style {
        let s = match h {
            Health::Ok => self.fg(if self.hc() { Color::LightGreen } else { Color::Green }),
            Health::Warn => self.fg(if self.hc() { Color::LightYellow } else { Color::Yellow }),
            Health::Crit => self.fg(if self.hc() { Color::LightRed } else { Color::Red }).add_modifier(Modifier::BOLD),
            Health::NoData => self.dim(),
        };
        if h == Health::Crit && !self.color { s.add_modifier(Modifier::BOLD) } else { s }
    }
    pub fn series(&self, i: usize) -> Style {
        let palette = if self.hc() {
            [Color::White, Color::LightYellow, Color::LightCyan]
        } else {
            [Color::Cyan, Color::Magenta, Color::Yellow]
        };
        self.fg(palette[i % palette.len()])
    }

    pub fn borders(&self) -> border::Set<'static> {
        if self.ascii { ASCII_BORDER } else { border::ROUNDED }
    }

    /// Symbol and word for a health state.
    pub fn health_label(&self, h: Health) -> (&'static str, &'static str) {
        match (h, self.ascii) {
            (Health::Ok, false) => ("●", "ok"),
            (Health::Warn, false) => ("▲", "warn"),
            (Health::Crit, false) => ("✖", "CRIT"),
            (Health::Ok, true) => ("o", "ok"),
            (Health::Warn, true) => ("!", "warn"),
            (Health::Crit, true) => ("X", "CRIT"),
            (Health::NoData, _) => ("?", "no data"),
        }
    }

    /// Eight levels for column charts, from empty to full.
    pub fn bars(&self) -> [&'static str; 9] {
        if self.ascii {
            [" ", ".", ".", ":", ":", "|", "|", "#", "#"]
        } else {
            [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        }
    }

    pub fn arrow(&self) -> &'static str {
        if self.ascii { "->" } else { "→" }
    }
    pub fn bullet(&self) -> &'static str {
        if self.ascii { "*" } else { "•" }
    }
    pub fn cursor(&self) -> &'static str {
        if self.ascii { ">" } else { "▶" }
    }
    pub fn paused(&self) -> &'static str {
        if self.ascii { "||" } else { "⏸" }
    }
    pub fn dash(&self) -> &'static str {
        if self.ascii { "-" } else { "—" }
    }
}
