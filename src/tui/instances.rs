//! The instances drill-down's state and rows (the k9s pods view): one row per live instance of
//! the selected service, sorted by a column the player cycles, and the instance chosen, kept
//! by its number so the choice stays on the same instance while the rows re-sort each second.
//! `Restart` and `Drain` are aimed from here: their forms open with the chosen instance.

use super::forms::{self, Field, Form};
use super::game::Game;
use crate::sim::CommandKind;
use crate::sim::observe::view::InstanceView;

/// The column the rows are sorted by. Every column but the name sorts worst first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Name,
    Errors,
    Busy,
    Pool,
    Memory,
    Restarts,
}

impl SortBy {
    pub const ALL: [SortBy; 6] =
        [SortBy::Name, SortBy::Errors, SortBy::Busy, SortBy::Pool, SortBy::Memory, SortBy::Restarts];

    pub fn label(self) -> &'static str {
        match self {
            SortBy::Name => "name",
            SortBy::Errors => "errors",
            SortBy::Busy => "busy",
            SortBy::Pool => "pool",
            SortBy::Memory => "memory",
            SortBy::Restarts => "restarts",
        }
    }

    #[must_use]
    pub fn next(self) -> SortBy {
        let i = SortBy::ALL.iter().position(|s| *s == self).unwrap_or(0);
        SortBy::ALL[(i + 1) % SortBy::ALL.len()]
    }
}

/// The player's choice in the drill-down.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pick {
    /// The chosen instance's number; the first row when unset or gone.
    pub num: Option<u32>,
    pub sort: SortBy,
}

/// The service the drill-down shows and its instances, in the chosen order.
pub fn rows(game: &Game) -> (usize, Vec<InstanceView>) {
    let s = game.selected_service();
    let mut rows = game.sim.instances(s);
    let key = |i: &InstanceView| -> (i64, u32) {
        let worst_first = match game.view.instances.sort {
            SortBy::Name => 0,
            // Tenths of a per cent; an instance that finished nothing sorts last.
            SortBy::Errors => i.error_rate().map_or(-1, |e| (e * 1000.0).round() as i64),
            SortBy::Busy => i64::from(i.busy + i.queue),
            SortBy::Pool => i64::from(i.pool_busy + i.pool_waiting),
            SortBy::Memory => (i.memory * 1000.0).round() as i64,
            SortBy::Restarts => i64::from(i.restarts),
        };
        (-worst_first, i.num)
    };
    rows.sort_by_key(key);
    (s, rows)
}

/// The index of the chosen instance among `rows` (the first when none is chosen).
pub fn chosen(pick: &Pick, rows: &[InstanceView]) -> usize {
    pick.num.and_then(|n| rows.iter().position(|i| i.num == n)).unwrap_or(0)
}

/// Moves the choice `by` rows down (or up), staying within the rows.
pub fn step(game: &mut Game, down: bool, by: usize) {
    let (_, rows) = rows(game);
    if rows.is_empty() {
        return;
    }
    let from = chosen(&game.view.instances, &rows);
    let at = if down { (from + by).min(rows.len() - 1) } else { from.saturating_sub(by) };
    game.view.instances.num = Some(rows[at].num);
}

/// The `Restart` or `Drain` form for the selected service, aimed at the chosen instance when
/// the drill-down is showing (otherwise the form's own default).
pub fn aimed_form(kind: CommandKind, game: &Game, aim: bool) -> Form {
    let mut form = forms::form(kind, game);
    let (_, rows) = rows(game);
    if aim && let Some(target) = rows.get(chosen(&game.view.instances, &rows)) {
        let want = target.num.to_string();
        if let Some((at, Field::Choice { options, idx, .. })) =
            form.fields.iter_mut().enumerate().find(|(_, f)| f.label() == "instance")
            && let Some(i) = options.iter().position(|o| *o == want)
        {
            *idx = i;
            form.cursor = at;
        }
    }
    form
}
