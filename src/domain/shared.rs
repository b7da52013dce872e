//! Values that many entries repeat, held once and shared: texts (attribute and scope names,
//! country codes, sub-processor ids, justifications, purposes) and short lists (a
//! sub-processor's locations, a service's purposes). A catalogue is held in memory for hours,
//! and a national one repeats the same few hundred names, stock phrases and location sets across
//! thousands of services: each a `String` or `Vec` of its own had made up most of a record
//! (valgrind massif).

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::hash::Hash;
use std::ops::Deref;
use std::sync::Arc;

use arcstr::ArcStr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::catalogue::{
    AttributeRequest, DataSubject, Location, Service, SubProcessorUse, UseLocation,
};
use super::flags::Flag;

/// An immutable string that clones by reference count. Serialised as a plain string.
///
/// It holds a thin pointer to one allocation with the count, the length and the bytes
/// (`ArcStr`: eight bytes, where `Arc<str>` takes sixteen and `Arc<Box<str>>` two allocations):
/// entries hold millions of these, and a catalogue whose texts are all distinct holds millions
/// of allocations behind them too.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SharedText(ArcStr);

impl SharedText {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SharedText {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for SharedText {
    fn from(s: &str) -> Self {
        Self(ArcStr::from(s))
    }
}

impl From<String> for SharedText {
    fn from(s: String) -> Self {
        Self(ArcStr::from(s))
    }
}

impl From<SharedText> for String {
    fn from(s: SharedText) -> Self {
        s.as_str().to_owned()
    }
}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<SharedText> for String {
    fn eq(&self, other: &SharedText) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<SharedText> for str {
    fn eq(&self, other: &SharedText) -> bool {
        self == other.as_str()
    }
}

impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SharedText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SharedText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

/// An immutable list that clones by reference count. Serialised as a plain array.
#[derive(PartialEq, Eq, Hash)]
pub struct SharedList<T>(Arc<[T]>);

impl<T> Clone for SharedList<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> Default for SharedList<T> {
    fn default() -> Self {
        Self(Arc::from(Vec::new()))
    }
}

impl<T> Deref for SharedList<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'a, T> IntoIterator for &'a SharedList<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> Borrow<[T]> for SharedList<T> {
    fn borrow(&self) -> &[T] {
        &self.0
    }
}

impl<T> From<Vec<T>> for SharedList<T> {
    fn from(v: Vec<T>) -> Self {
        Self(Arc::from(v))
    }
}

impl<T: fmt::Debug> fmt::Debug for SharedList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl<T: Serialize> Serialize for SharedList<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for SharedList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(Self::from)
    }
}

/// An immutable value that clones by reference count, read through `Deref`, serialised as the
/// value itself: for entries many services repeat whole (the same sub-processor with the same
/// purpose and locations; the same attribute with the same justification).
#[derive(PartialEq, Eq, Hash)]
pub struct Shared<T>(Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Shared<T> {
    fn from(v: T) -> Self {
        Self(Arc::new(v))
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shared<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self::from)
    }
}

/// Hands out one shared value per distinct string or list for as long as it lives: a whole
/// read of the catalogue uses one, so equal values from different rows end up as one
/// allocation.
#[derive(Default)]
pub struct Interner {
    seen: HashSet<SharedText>,
    use_locations: HashSet<SharedList<UseLocation>>,
    locations: HashSet<SharedList<Location>>,
    texts: HashSet<SharedList<SharedText>>,
    subjects: HashSet<SharedList<DataSubject>>,
    flags: HashSet<SharedList<Flag>>,
    attributes: HashSet<Shared<AttributeRequest>>,
    uses: HashSet<Shared<SubProcessorUse>>,
}

/// The shared copy of `item` kept in `seen`, added if new.
fn one<T: Hash + Eq>(seen: &mut HashSet<Shared<T>>, item: T) -> Shared<T> {
    let item = Shared::from(item);
    if let Some(kept) = seen.get(&item) {
        return kept.clone();
    }
    seen.insert(item.clone());
    item
}

/// The shared copy of `items` kept in `seen`, added if new.
fn list<T: Hash + Eq>(seen: &mut HashSet<SharedList<T>>, items: Vec<T>) -> SharedList<T> {
    if let Some(l) = seen.get(items.as_slice()) {
        return l.clone();
    }
    let l = SharedList::from(items);
    seen.insert(l.clone());
    l
}

impl Interner {
    pub fn use_locations(&mut self, items: Vec<UseLocation>) -> SharedList<UseLocation> {
        list(&mut self.use_locations, items)
    }
    pub fn locations(&mut self, items: Vec<Location>) -> SharedList<Location> {
        list(&mut self.locations, items)
    }
    pub fn texts(&mut self, items: Vec<SharedText>) -> SharedList<SharedText> {
        list(&mut self.texts, items)
    }
    pub fn attribute(&mut self, item: AttributeRequest) -> Shared<AttributeRequest> {
        one(&mut self.attributes, item)
    }
    pub fn sub_processor_use(&mut self, item: SubProcessorUse) -> Shared<SubProcessorUse> {
        one(&mut self.uses, item)
    }
    pub fn flags(&mut self, items: Vec<Flag>) -> SharedList<Flag> {
        list(&mut self.flags, items)
    }
    pub fn data_subjects(&mut self, items: Vec<DataSubject>) -> SharedList<DataSubject> {
        list(&mut self.subjects, items)
    }
    /// Makes the values `service` holds the ones handed out for equal values from now on: an
    /// entry read anew after a write then shares what the write did not change with the rest
    /// of the catalogue, instead of holding copies that a long-running process would gather
    /// write by write.
    pub fn remember(&mut self, service: &Service) {
        let mut text = |t: &SharedText| {
            self.seen.insert(t.clone());
        };
        text(&service.vendor);
        service.purposes.iter().for_each(&mut text);
        service.personal_data.iter().for_each(&mut text);
        for l in &service.locations {
            text(&l.country);
            l.facility.iter().for_each(&mut text);
        }
        for a in &service.attributes {
            text(&a.name);
            a.justification.iter().for_each(&mut text);
        }
        for sc in &service.oidc_scopes {
            text(&sc.scope);
            sc.justification.iter().for_each(&mut text);
        }
        for u in &service.sub_processors {
            text(&u.id);
            u.purpose.iter().for_each(&mut text);
            u.locations.iter().for_each(|l| text(&l.country));
        }
        self.texts.insert(service.purposes.clone());
        self.texts.insert(service.personal_data.clone());
        self.subjects.insert(service.data_subjects.clone());
        self.locations.insert(service.locations.clone());
        for a in &service.attributes {
            self.attributes.insert(a.clone());
        }
        for u in &service.sub_processors {
            self.use_locations.insert(u.locations.clone());
            self.uses.insert(u.clone());
        }
    }

    /// As `remember`, for lists derived from an entry.
    pub fn remember_derived(
        &mut self,
        countries: &[&SharedList<SharedText>],
        flags: &SharedList<Flag>,
    ) {
        for list in countries {
            self.texts.insert(SharedList::clone(list));
        }
        self.flags.insert(flags.clone());
    }

    pub fn text(&mut self, s: String) -> SharedText {
        if let Some(t) = self.seen.get(s.as_str()) {
            return t.clone();
        }
        let t = SharedText::from(s);
        self.seen.insert(t.clone());
        t
    }
    pub fn optional(&mut self, s: Option<String>) -> Option<SharedText> {
        s.map(|s| self.text(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_allocation_and_serialise_as_plain_strings() {
        let mut interner = Interner::default();
        let a = interner.text("Brukes for innlogging".to_owned());
        let b = interner.text("Brukes for innlogging".to_owned());
        let c = interner.text("Brukes for varsling".to_owned());
        assert!(ArcStr::ptr_eq(&a.0, &b.0));
        assert!(!ArcStr::ptr_eq(&a.0, &c.0));
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            "\"Brukes for innlogging\""
        );
        let back: SharedText = serde_json::from_str("\"Brukes for innlogging\"").unwrap();
        assert_eq!(back, a);
        assert_eq!(a, "Brukes for innlogging");
        assert_eq!(std::mem::size_of::<Option<SharedText>>(), 8);
    }

    #[test]
    fn an_entry_read_again_shares_what_it_had_with_the_entry_remembered() {
        let old = crate::domain::generate::catalogue(5, 3).services.remove(2);
        let mut interner = Interner::default();
        interner.remember(&old);
        // the same values arriving anew, as from the database after a write
        let a = &old.attributes[0];
        let name = interner.text(a.name.to_string());
        let justification = interner.optional(a.justification.as_deref().map(str::to_owned));
        assert!(ArcStr::ptr_eq(&name.0, &a.name.0));
        let again = interner.attribute(AttributeRequest {
            name,
            justification,
        });
        assert!(Arc::ptr_eq(&again.0, &a.0));
        let u = &old.sub_processors[0];
        let locations = interner.use_locations(u.locations.to_vec());
        assert!(Arc::ptr_eq(&locations.0, &u.locations.0));
        let purposes = interner.texts(old.purposes.to_vec());
        assert!(Arc::ptr_eq(&purposes.0, &old.purposes.0));
        // a changed value is a value of its own
        let changed = interner.text("Ny begrunnelse".to_owned());
        assert_ne!(changed, a.name);
    }

    #[test]
    fn equal_lists_share_one_allocation_and_serialise_as_arrays() {
        let mut interner = Interner::default();
        let no = |i: &mut Interner| i.texts(vec!["NO".into(), "SE".into()]);
        let (a, b) = (no(&mut interner), no(&mut interner));
        let c = interner.texts(vec!["NO".into()]);
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert!(!Arc::ptr_eq(&a.0, &c.0));
        assert_eq!(serde_json::to_string(&a).unwrap(), r#"["NO","SE"]"#);
        let back: SharedList<SharedText> = serde_json::from_str(r#"["NO","SE"]"#).unwrap();
        assert_eq!(back, a);
    }
}
