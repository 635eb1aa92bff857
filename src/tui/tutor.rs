//! The interactive tutorial while it runs: which prompt waits, what became of the ones before
//! it (done or skipped, at what sim time), and how each of the scenario's waits reads the
//! game: its actions, panels, dialogs, the log filter, the commands the engine accepted and the
//! conditions of the run.
//!
//! Invariants: the tutorial never touches the simulation. It only holds the clock (the pacer
//! does not advance while a holding prompt waits), and whatever the player sends while it holds
//! is recorded with its sim time like any command, so a saved run replays exactly without it.
//! Keys are named from the live keymap, by the action a prompt waits for.

use super::action::Action;
use super::app::Overlay;
use super::game::{Game, Panel};
use super::keymap::{Context, Keymap};
use crate::scenario::tutorial::{Open, Piece, Press, Step, Tab, Wait, pieces};
use crate::sim::{CommandKind, SimTime};

/// What became of a prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done(SimTime),
    Skipped(SimTime),
}

/// The tutorial's progress.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tutor {
    /// One outcome per prompt passed, in order; the next prompt is the one waiting.
    pub outcomes: Vec<Outcome>,
}

/// The game's action for a prompt's `Press`: the same names (`tests` hold them equal).
pub fn action(p: Press) -> Action {
    use Action as A;
    match p {
        Press::TogglePause => A::TogglePause,
        Press::SpeedUp => A::SpeedUp,
        Press::SpeedDown => A::SpeedDown,
        Press::FocusNext => A::FocusNext,
        Press::FocusPrev => A::FocusPrev,
        Press::Up => A::Up,
        Press::Down => A::Down,
        Press::Left => A::Left,
        Press::Right => A::Right,
        Press::PageUp => A::PageUp,
        Press::PageDown => A::PageDown,
        Press::Actions => A::Actions,
        Press::CommandLine => A::CommandLine,
        Press::Incident => A::Incident,
        Press::Filter => A::Filter,
        Press::Ack => A::Ack,
        Press::Follow => A::Follow,
        Press::LevelFilter => A::LevelFilter,
        Press::ComponentFilter => A::ComponentFilter,
        Press::ExpandSuppressed => A::ExpandSuppressed,
        Press::PrevItem => A::PrevItem,
        Press::NextItem => A::NextItem,
        Press::SortNext => A::SortNext,
        Press::AimRestart => A::AimRestart,
        Press::AimDrain => A::AimDrain,
        Press::Dismiss => A::Dismiss,
        Press::Help => A::Help,
        Press::Panel1 => A::Panel1,
        Press::Panel2 => A::Panel2,
        Press::Panel3 => A::Panel3,
        Press::Panel4 => A::Panel4,
        Press::Panel5 => A::Panel5,
        Press::Panel6 => A::Panel6,
    }
}

pub fn panel(t: Tab) -> Panel {
    match t {
        Tab::Alerts => Panel::Alerts,
        Tab::Logs => Panel::Logs,
        Tab::Changes => Panel::Changes,
        Tab::Trace => Panel::Trace,
        Tab::Comms => Panel::Comms,
        Tab::Instances => Panel::Instances,
    }
}

/// The key that does a step, from the live keymap (`None` for a wait on the run).
pub fn key(wait: &Wait, keys: &Keymap) -> Option<String> {
    let incident = |a: Action| keys.key_for(Context::Incident, a);
    Some(match wait {
        Wait::Continue => continue_key(keys),
        Wait::Press(p) => incident(action(*p)),
        Wait::Tab(t) => incident(tab_action(*t)),
        Wait::Open(Open::Actions) => incident(Action::Actions),
        Wait::Open(Open::Console) => incident(Action::Incident),
        Wait::Open(Open::Help) => incident(Action::Help),
        Wait::Filter => incident(Action::Filter),
        Wait::Command(CommandKind::Ack) => incident(Action::Ack),
        Wait::Command(k) if super::forms::INCIDENT_CONSOLE.contains(k) => incident(Action::Incident),
        // Any other command is typed on the command line (or chosen from the action menu).
        Wait::Open(Open::CommandLine) | Wait::Command(_) => incident(Action::CommandLine),
        Wait::Until(_) => return None,
    })
}

/// The key that answers "continue": the dialogs' "choose" (enter).
pub fn continue_key(keys: &Keymap) -> String {
    keys.key_for(Context::Dialog, Action::Select)
}

/// The key that skips a prompt: "back" (esc) on the incident screen.
pub fn skip_key(keys: &Keymap) -> String {
    keys.key_for(Context::Incident, Action::Back)
}

fn tab_action(t: Tab) -> Action {
    [Action::Panel1, Action::Panel2, Action::Panel3, Action::Panel4, Action::Panel5, Action::Panel6]
        [Panel::ALL.iter().position(|p| *p == panel(t)).unwrap_or(0)]
}

/// A prompt's text with its placeholders replaced by the keys bound now.
pub fn say(step: &Step, keys: &Keymap) -> String {
    // Validation has checked the placeholders; a bad one would show as written.
    let Ok(parts) = pieces(&step.say) else { return step.say.clone() };
    parts
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t.to_string(),
            Piece::Key => key(&step.wait, keys).unwrap_or_default(),
            Piece::Choose => continue_key(keys),
            Piece::Action(a) => keys.key_for(Context::Incident, action(a)),
        })
        .collect()
}

impl Tutor {
    /// The index of the prompt waiting, if any is left.
    pub fn current(&self, steps: &[Step]) -> Option<usize> {
        (self.outcomes.len() < steps.len()).then_some(self.outcomes.len())
    }

    pub fn finished(&self, steps: &[Step]) -> bool {
        self.current(steps).is_none()
    }

    /// Passes the waiting prompt with `outcome`.
    pub fn pass(&mut self, outcome: Outcome) {
        self.outcomes.push(outcome);
    }
}

/// What the tutorial reads of the game after each message: the waiting prompt is satisfied by
/// the state the game is in (or by the action just done), then the next one is checked too.
/// True if any prompt was passed.
pub fn observe(game: &mut Game, overlay: Option<&Overlay>, done: Option<Action>) -> bool {
    let spec = game.spec.clone();
    let steps = &spec.tutorial;
    let Some(tutor) = game.tutor.as_mut() else { return false };
    let mut passed = false;
    let mut done = done;
    while let Some(i) = tutor.current(steps) {
        let step = &steps[i];
        let ok = match &step.wait {
            Wait::Continue => false,
            Wait::Press(p) => done == Some(action(*p)),
            Wait::Tab(t) => game.view.panel == panel(*t),
            Wait::Open(o) => match (o, overlay) {
                (Open::CommandLine, Some(Overlay::CommandLine(_))) | (Open::Help, Some(Overlay::Help)) => true,
                (Open::Actions, Some(Overlay::Actions { title, .. })) => *title == super::forms::ACTIONS_TITLE,
                (Open::Console, Some(Overlay::Actions { title, .. })) => *title == super::forms::CONSOLE_TITLE,
                _ => false,
            },
            Wait::Filter => !game.view.filter.is_empty() && !matches!(overlay, Some(Overlay::Filter(_))),
            Wait::Command(k) => {
                // Each `Command` prompt of a kind needs a command of its own: the n-th such prompt
                // is satisfied by the n-th accepted command of the kind, whenever it was sent.
                let nth = steps[..=i].iter().filter(|s| matches!(s.wait, Wait::Command(x) if x == *k)).count();
                let sent =
                    game.sim.commands().iter().filter(|c| c.rejected.is_none() && c.command.kind() == *k).count();
                sent >= nth
            }
            Wait::Until(c) => game.sim.holds(c),
        };
        if !ok {
            break;
        }
        tutor.pass(Outcome::Done(game.sim.now()));
        // An action satisfies one prompt, not the next one that waits for it too.
        done = None;
        passed = true;
    }
    passed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_press_is_the_action_of_the_same_name() {
        for p in Press::ALL {
            assert_eq!(format!("{:?}", action(*p)), p.name());
        }
    }

    #[test]
    fn a_prompt_names_the_keys_bound_now() {
        let step = |say: &str, wait| Step { say: say.into(), wait, hold: true, learn: String::new() };
        let default = Keymap::default_map();
        let s = step("Press {key} to see what changed, {SpeedUp} to go faster.", Wait::Tab(Tab::Changes));
        assert_eq!(say(&s, &default), "Press 3 to see what changed, + to go faster.");
        let (rebound, warnings) = Keymap::with_user(
            "keymap.ron",
            r#"Keymap(incident: [(keys: ["c"], action: Panel3, desc: "changes"), (keys: ["ctrl-f"], action: SpeedUp, desc: "faster")])"#,
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(say(&s, &rebound), "Press c to see what changed, ctrl-f to go faster.");
        assert_eq!(say(&step("{key}", Wait::Continue), &default), "enter");
        assert_eq!(say(&step("{key}", Wait::Command(CommandKind::Ack)), &default), "a");
        assert_eq!(say(&step("{key}", Wait::Command(CommandKind::Declare)), &default), "i");
        assert_eq!(say(&step("{key}", Wait::Command(CommandKind::Rollback)), &default), ":");
        assert_eq!(say(&step("{key}", Wait::Open(Open::Actions)), &default), "enter");
        assert_eq!(skip_key(&default), "esc");
    }
}
