//! Validating the tutorial: each prompt's text (not empty, short enough for the box at 80
//! columns, placeholders that name a key), its wait (an `Until` condition like any other) and
//! its `hold` (a condition cannot come true while the clock stands still).

use super::error::{field, index};
use super::raw::{RawScenario, RawWait};
use super::tutorial::{MAX_SAY, Piece, Press, Step, Wait, pieces};
use super::validate::Ctx;
use crate::sim::model::spec::SimSpec;

pub(super) fn tutorial(cx: &mut Ctx, raw: &RawScenario, sim: &SimSpec) -> Vec<Step> {
    let Some(steps) = &raw.tutorial else { return Vec::new() };
    if steps.is_empty() {
        cx.err(
            &[field("tutorial")],
            "a tutorial needs at least one prompt",
            "write tutorial: [(say: \"Press {key} to continue.\")], or remove `tutorial`",
        );
    }
    let labels = super::validate_rules::timeline_labels(raw);
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = [field("tutorial"), index(i)];
            let wait = match &s.wait {
                RawWait::Continue => Wait::Continue,
                RawWait::Press(x) => Wait::Press(*x),
                RawWait::Tab(x) => Wait::Tab(*x),
                RawWait::Open(x) => Wait::Open(*x),
                RawWait::Filter => Wait::Filter,
                RawWait::Command(k) => Wait::Command(*k),
                RawWait::Until(c) => {
                    let path = [&p[..], &[field("wait"), index(0)]].concat();
                    Wait::Until(super::validate_rules::condition(cx, sim, &labels, &path, c))
                }
            };
            let say_path = [&p[..], &[field("say")]].concat();
            let say = cx.text(&say_path, &s.say);
            let n = say.chars().count();
            if say.trim().is_empty() {
                cx.err(&say_path, "a prompt needs something to say", "tell the player what to look at or do");
            } else if n > MAX_SAY {
                cx.err(
                    &say_path,
                    format!("this prompt is {n} characters; at most {MAX_SAY} fit the tutorial's box at 80 columns"),
                    "shorten it, or split it into two prompts",
                );
            }
            match pieces(&say) {
                Err(bad) => cx.err(
                    &say_path,
                    format!("`{bad}` is not a key placeholder"),
                    format!(
                        "write {{key}} for the key that does this step, {{choose}} for the key that chooses in a dialog, or an action's name in braces: {}",
                        Press::NAMES.iter().map(|n| format!("{{{n}}}")).collect::<Vec<_>>().join(", ")
                    ),
                ),
                Ok(parts) if parts.contains(&Piece::Key) && !wait.has_key() => cx.err(
                    &say_path,
                    "{key} names the key that does this step, but no key does: it waits for the run",
                    "name the action instead, e.g. {SpeedUp}, or remove {key}",
                ),
                Ok(_) => {}
            }
            let hold = s.hold.unwrap_or_else(|| wait.holds_by_default());
            if hold && matches!(wait, Wait::Until(_)) {
                cx.err(
                    &[&p[..], &[field("hold")]].concat(),
                    "this prompt waits for the run to reach a condition, which cannot happen while the clock holds",
                    "remove `hold: true`",
                );
            }
            let learn = cx.text(&[&p[..], &[field("learn")]].concat(), &s.learn);
            Step { say, wait, hold, learn }
        })
        .collect()
}
