//! Tiered hints. A scenario's `hints` are given in order, one per `Hint` command, and each
//! costs more than the one before: the first is a nudge (where to look), the last — when there
//! are two or more — is the answer (what to do), and those between are pointers (what it is).
//! The price is in overall score points (`score::hints`), shown before a hint is taken.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum HintTier {
    /// Also what a hint in an event log from before tiers reads as.
    #[default]
    Nudge,
    Pointer,
    Answer,
}

impl HintTier {
    /// The tier of hint `i` (0-based) of `n`.
    pub fn of(i: usize, n: usize) -> HintTier {
        if i == 0 {
            HintTier::Nudge
        } else if i + 1 >= n {
            HintTier::Answer
        } else {
            HintTier::Pointer
        }
    }

    /// Overall score points the hint costs.
    pub fn points(self) -> u32 {
        match self {
            HintTier::Nudge => 2,
            HintTier::Pointer => 4,
            HintTier::Answer => 8,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            HintTier::Nudge => "a nudge",
            HintTier::Pointer => "a pointer",
            HintTier::Answer => "the answer",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_rise_from_nudge_to_answer_and_cost_more_each_step() {
        let tiers: Vec<HintTier> = (0..4).map(|i| HintTier::of(i, 4)).collect();
        assert_eq!(tiers, [HintTier::Nudge, HintTier::Pointer, HintTier::Pointer, HintTier::Answer]);
        assert_eq!(HintTier::of(0, 1), HintTier::Nudge, "a lone hint is a nudge");
        assert_eq!([HintTier::of(0, 2), HintTier::of(1, 2)], [HintTier::Nudge, HintTier::Answer]);
        assert!(HintTier::Nudge.points() < HintTier::Pointer.points());
        assert!(HintTier::Pointer.points() < HintTier::Answer.points());
    }
}
