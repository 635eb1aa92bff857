//! `App::update`: every change to the app's state goes through here. A message (a key, a
//! resize, a frame's worth of wall time, the result of an effect) becomes changes and a list
//! of effects for the event loop; a key becomes an action through the keymap and is handled by
//! the dialog on top, else by the screen's own file.

mod briefing;
mod cmdline;
mod debrief;
mod dialog;
mod drill;
mod incident;
mod menu;
mod mouse;
mod title;
mod tutorial;

use super::action::Action;
use super::app::{App, Effect, MenuPage, Msg, Overlay, Screen};
use super::forms::Field;
use super::game::Game;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;
use std::time::Duration;

impl App {
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut effects = self.update_inner(msg);
        effects.extend(self.outbox.drain(..).map(Effect::ToHost));
        effects
    }

    fn update_inner(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            // A seat's command may end the run (the IC resolves): the host's debrief and the
            // saved run follow at once, not at the facilitator's next key.
            Msg::Net(ev) => {
                let mut effects = drill::on_net(self, ev);
                effects.extend(self.check_end());
                effects
            }
            Msg::Beat => {
                let mut effects = drill::on_beat(self);
                effects.extend(self.check_end());
                effects
            }
            Msg::Seat(ev) => {
                let mut effects = drill::on_seat(self, ev);
                effects.extend(self.check_end());
                effects
            }
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.dirty = true;
                vec![]
            }
            Msg::Frame(wall) => self.frame(wall),
            Msg::Opened(Ok((spec, path))) => {
                self.menu.error = None;
                self.open(*spec, crate::store::ScenarioRef::File(path));
                vec![]
            }
            Msg::Opened(Err(e)) => {
                self.menu.error = Some(e);
                self.dirty = true;
                vec![]
            }
            Msg::RunSaved(saved) => self.run_saved(saved),
            Msg::ProfileSaved(result) => self.report("progress not saved", result),
            Msg::SettingsSaved(result) => self.report("settings not saved", result),
            Msg::Exported(written) => {
                let note = match written {
                    Ok(path) => format!("debrief written to {}", path.display()),
                    Err(e) => format!("debrief not written: {e}"),
                };
                self.notices = vec![note.clone()];
                self.dirty = true;
                vec![Effect::Log(note)]
            }
            Msg::Mouse(m) => {
                mouse::on_mouse(self, m);
                tutorial::observe(self, None);
                self.dirty = true;
                vec![]
            }
            Msg::Key(k) => {
                let mut effects = self.key(k);
                drill::after_host_change(self);
                tutorial::observe(self, None);
                effects.extend(self.check_end());
                self.dirty = true;
                effects
            }
        }
    }

    fn frame(&mut self, wall: Duration) -> Vec<Effect> {
        // The clock holds while the player is asked whether to quit.
        if matches!(self.overlay, Some(Overlay::Quit)) {
            return vec![];
        }
        let Screen::Playing(g) = &mut self.screen else { return vec![] };
        // Redraw only when something shown changed: the clock's second, a chart point, an
        // event, a log line.
        let seen =
            |g: &Game| (g.sim.now().whole_secs(), g.series.buckets, g.sim.events().len(), g.sim.logs().written());
        let before = seen(g);
        g.tick(wall);
        if seen(g) != before {
            self.dirty = true;
        }
        drill::after_host_change(self);
        tutorial::observe(self, None);
        let Screen::Playing(g) = &mut self.screen else { return vec![] };
        let mut effects = if g.toasts.take_new_page() && self.settings.bell { vec![Effect::Bell] } else { vec![] };
        effects.extend(self.check_end());
        effects
    }

    /// Moves to the debrief once the run is over (resolved, time up, or the scenario's announced
    /// auto-end).
    fn check_end(&mut self) -> Vec<Effect> {
        let Screen::Playing(g) = &self.screen else { return vec![] };
        if g.sim.ended().is_none() {
            return vec![];
        }
        let Screen::Playing(mut g) = std::mem::replace(&mut self.screen, Screen::Title) else { unreachable!() };
        g.debrief = Some(crate::score::debrief(&g.spec, &crate::score::Evidence::from_sim(&g.sim)));
        self.screen = Screen::End(g);
        self.overlay = None;
        self.dirty = true;
        vec![Effect::Finished]
    }

    fn key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if cmdline::on_key(self, &k) || menu::on_key(self, &k) || self.typing(&k) || tutorial::on_key(self, &k) {
            return vec![];
        }
        let Some(action) = self.keymap.lookup(self.context(), &k) else { return vec![] };
        if action == Action::ForceQuit {
            return vec![Effect::Quit];
        }
        if self.overlay.is_some() {
            return dialog::on_action(self, action);
        }
        match self.screen {
            Screen::Title => title::on_action(self, action),
            Screen::Briefing(_) => briefing::on_action(self, action),
            Screen::Playing(_) => {
                let effects = incident::on_action(self, action);
                tutorial::observe(self, Some(action));
                effects
            }
            Screen::End(_) => debrief::on_action(self, action),
        }
    }

    /// Text entry (filter, file path, form fields) takes printable keys before the keymap.
    fn typing(&mut self, k: &KeyEvent) -> bool {
        if k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
            return false;
        }
        let text: Option<&mut String> = match &mut self.overlay {
            // The filter applies as it is typed.
            Some(Overlay::Filter(_)) => match &mut self.screen {
                Screen::Playing(g) => Some(&mut g.view.filter),
                _ => None,
            },
            Some(Overlay::Seed(t)) => {
                // Digits only: a seed is a whole number.
                if matches!(k.code, KeyCode::Char(c) if !c.is_ascii_digit()) {
                    return true;
                }
                Some(t)
            }
            Some(Overlay::Form(f)) => match f.fields.get_mut(f.cursor) {
                Some(Field::Number { text, .. } | Field::Text { text, .. }) => Some(text),
                _ => None,
            },
            None if matches!(self.screen, Screen::Title) && self.menu.page == MenuPage::Open => {
                Some(&mut self.menu.path)
            }
            _ => None,
        };
        let Some(text) = text else { return false };
        match k.code {
            KeyCode::Char(c) => {
                if text.chars().count() < 200 {
                    text.push(c);
                }
                true
            }
            KeyCode::Backspace => {
                text.pop();
                true
            }
            _ => false,
        }
    }

    /// The finished run was saved (or not): say so, and record the score in the profile for
    /// a built-in scenario (a tutorial is only marked done, once every prompt was passed), then
    /// save the profile.
    fn run_saved(&mut self, saved: Result<PathBuf, String>) -> Vec<Effect> {
        let mut notes = vec![match saved {
            Ok(path) => format!("run saved to {}", path.display()),
            Err(e) => format!("run not saved: {e}"),
        }];
        let mut effects = Vec::new();
        if let Screen::End(g) = &self.screen
            && let (Some(d), crate::store::ScenarioRef::Builtin(_)) = (&g.debrief, &g.source)
        {
            let id = g.spec.id.clone();
            let left = g.tutor.as_ref().map_or(0, |t| g.spec.tutorial.len().saturating_sub(t.outcomes.len()));
            if g.spec.is_tutorial() && left > 0 {
                // The run ended before its prompts did: not done yet.
                notes.push(format!(
                    "the run ended with {left} of the tutorial's {} prompts not reached: play it again to finish it",
                    g.spec.tutorial.len()
                ));
            } else if g.spec.is_tutorial() {
                // Practice: done (every prompt done or skipped), never a best score.
                if self.profile.mark_done(&id) {
                    notes.push(format!("{} done: the campaign's next scenario is open", g.spec.title));
                }
            } else if self.profile.record(&id, d.score.overall, &d.score.grade) {
                notes.push(format!("new best for {id}: {} ({})", d.score.overall, d.score.grade));
            }
            if let Some(date) = &g.daily {
                let best = crate::store::DailyBest {
                    date: date.clone(),
                    scenario: id.clone(),
                    seed: d.seed,
                    score: d.score.overall,
                    grade: d.score.grade.clone(),
                };
                if self.profile.record_daily(best) {
                    let streak = self.profile.daily_streak(date);
                    notes.push(format!(
                        "daily challenge {date}: {} ({}) is your best today · streak {streak} day{}",
                        d.score.overall,
                        d.score.grade,
                        if streak == 1 { "" } else { "s" }
                    ));
                }
            }
            effects.push(Effect::SaveProfile);
        }
        let mut out: Vec<Effect> = notes.iter().cloned().map(Effect::Log).collect();
        out.extend(effects);
        self.notices = notes;
        self.dirty = true;
        out
    }

    /// A save's outcome: nothing to say if it worked; a notice (and a log line) if not.
    fn report(&mut self, what: &str, result: Result<(), String>) -> Vec<Effect> {
        let Err(e) = result else { return vec![] };
        let note = format!("{what}: {e}");
        self.notices.push(note.clone());
        self.dirty = true;
        vec![Effect::Log(note)]
    }
}
