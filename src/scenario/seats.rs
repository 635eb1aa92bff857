//! A scenario's drill seats: `seats: { Comms: [StatusUpdate, Page], Ic: [...] }` replaces what
//! a role may send in a drill of this scenario (a story where the incident commander also
//! posts updates, or where comms may page the executive on call). Roles left out keep
//! `Role::default_kinds`. The facilitator may always do everything, and the facilitator's
//! own commands (fire, reveal, tip) are never a seat's.

use super::error::{field, key};
use super::raw::RawScenario;
use super::validate_ctx::Ctx;
use crate::sim::{CommandKind, Role};
use std::collections::BTreeMap;

pub(super) fn seats(cx: &mut Ctx, raw: &RawScenario) -> BTreeMap<Role, Vec<CommandKind>> {
    let mut out = BTreeMap::new();
    for (role, kinds) in &raw.seats {
        let p = [field("seats"), key(&format!("{role:?}"))];
        if *role == Role::Facilitator {
            cx.err(
                &p,
                "the facilitator's permissions cannot be changed",
                "the facilitator may always do everything: remove this entry",
            );
            continue;
        }
        if !role.acts() && !kinds.is_empty() {
            cx.err(&p, format!("the {} seat only watches", role.title()), "give it an empty list, or remove the entry");
            continue;
        }
        if let Some(k) = kinds.iter().find(|k| k.facilitator_only()) {
            cx.err(
                &p,
                format!("{k:?} is the facilitator's"),
                "fire, reveal and tip are never a seat's: remove it from the list",
            );
            continue;
        }
        let mut kinds = kinds.clone();
        kinds.sort();
        kinds.dedup();
        out.insert(*role, kinds);
    }
    out
}
