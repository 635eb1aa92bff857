//! A generational slab: entities (calls, attempts, jobs) live in reused slots and are named by
//! `Key { index, generation }`, so an event that outlives its entity finds a newer generation
//! and is ignored instead of touching the wrong request.

/// A handle to a slab entry.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Key {
    pub idx: u32,
    pub generation: u32,
}

#[derive(Clone, Debug)]
struct Slot<T> {
    generation: u32,
    val: Option<T>,
}

#[derive(Clone, Debug)]
pub struct Slab<T> {
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
    live: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab { slots: Vec::new(), free: Vec::new(), live: 0 }
    }
}

impl<T> Slab<T> {
    pub fn insert(&mut self, val: T) -> Key {
        self.live += 1;
        if let Some(idx) = self.free.pop() {
            let slot = &mut self.slots[idx as usize];
            slot.generation = slot.generation.wrapping_add(1);
            slot.val = Some(val);
            Key { idx, generation: slot.generation }
        } else {
            let idx = u32::try_from(self.slots.len()).expect("slab holds fewer than 2^32 entities");
            self.slots.push(Slot { generation: 0, val: Some(val) });
            Key { idx, generation: 0 }
        }
    }

    pub fn get(&self, k: Key) -> Option<&T> {
        let slot = self.slots.get(k.idx as usize)?;
        if slot.generation == k.generation { slot.val.as_ref() } else { None }
    }

    pub fn get_mut(&mut self, k: Key) -> Option<&mut T> {
        let slot = self.slots.get_mut(k.idx as usize)?;
        if slot.generation == k.generation { slot.val.as_mut() } else { None }
    }

    pub fn remove(&mut self, k: Key) -> Option<T> {
        let slot = self.slots.get_mut(k.idx as usize)?;
        if slot.generation != k.generation {
            return None;
        }
        let val = slot.val.take()?;
        self.free.push(k.idx);
        self.live -= 1;
        Some(val)
    }

    /// Removes an entry in place, without moving it out (cheaper when the value is not needed).
    pub fn discard(&mut self, k: Key) -> bool {
        let Some(slot) = self.slots.get_mut(k.idx as usize) else { return false };
        if slot.generation != k.generation || slot.val.is_none() {
            return false;
        }
        slot.val = None;
        self.free.push(k.idx);
        self.live -= 1;
        true
    }

    pub fn len(&self) -> usize {
        self.live
    }

    /// Keys of live entries, in slot order.
    pub fn keys(&self) -> impl Iterator<Item = Key> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.val.is_some())
            .map(|(i, s)| Key { idx: i as u32, generation: s.generation })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_key_finds_nothing_after_reuse() {
        let mut s = Slab::default();
        let a = s.insert("a");
        assert_eq!(s.remove(a), Some("a"));
        let b = s.insert("b");
        assert_eq!(a.idx, b.idx);
        assert_eq!(s.get(a), None);
        assert_eq!(s.get(b), Some(&"b"));
        assert_eq!(s.len(), 1);
    }
}
