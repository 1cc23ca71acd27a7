//! Article ids, kept exactly as the input gave them.
//!
//! A JSONL id may be a string or a number. A number keeps its literal text
//! (`123456789012345678901234567890`, `1e2`), never a float's rounding of
//! it, and is written back as that same JSON number; a string id is written
//! as a string. Ids compare, hash and sort by their text alone, so `148` and
//! `"148"` are one id (they look the same in every report).

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

#[derive(Debug, Clone)]
pub struct Id {
    text: String,
    /// The text is a JSON number literal, written back unquoted.
    number: bool,
}

impl Id {
    /// A JSON number id, from its literal text as it appeared in the input.
    /// The caller guarantees `literal` is a valid JSON number.
    pub(crate) fn number(literal: String) -> Id {
        Id {
            text: literal,
            number: true,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when the input gave this id as a JSON number.
    pub fn is_number(&self) -> bool {
        self.number
    }
}

impl From<String> for Id {
    fn from(text: String) -> Id {
        Id {
            text,
            number: false,
        }
    }
}

impl From<&str> for Id {
    fn from(text: &str) -> Id {
        Id::from(text.to_string())
    }
}

impl Deref for Id {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.text
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Id {
    fn eq(&self, other: &Id) -> bool {
        self.text == other.text
    }
}

impl Eq for Id {}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl Hash for Id {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl PartialOrd for Id {
    fn partial_cmp(&self, other: &Id) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Id {
    fn cmp(&self, other: &Id) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A string id as a JSON string, a number id as its own literal. The raw
/// number is only understood by `serde_json`, the one serializer reports use.
impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.number {
            match RawValue::from_string(self.text.clone()) {
                Ok(raw) => raw.serialize(serializer),
                Err(_) => serializer.serialize_str(&self.text),
            }
        } else {
            serializer.serialize_str(&self.text)
        }
    }
}

/// Reads back what [`Serialize`] wrote (with `serde_json`): a string, or a
/// number kept as its literal.
impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Id, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Id::from_json(raw.get()).ok_or_else(|| D::Error::custom("an id is a string or a number"))
    }
}

impl Id {
    /// The id a raw JSON value stands for: a string's content, a number's
    /// literal; `None` for any other kind of value.
    pub(crate) fn from_json(raw: &str) -> Option<Id> {
        match raw.as_bytes().first()? {
            b'"' => serde_json::from_str::<String>(raw).ok().map(Id::from),
            b'-' | b'0'..=b'9' => Some(Id::number(raw.to_string())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_id_is_written_back_as_the_same_literal() {
        for literal in ["148", "123456789012345678901234567890", "1e2", "-0.50"] {
            let id = Id::from_json(literal).unwrap();
            assert!(id.is_number());
            assert_eq!(id.as_str(), literal);
            assert_eq!(serde_json::to_string(&id).unwrap(), literal);
            let back: Id = serde_json::from_str(literal).unwrap();
            assert!(back.is_number() && back.as_str() == literal);
        }
    }

    #[test]
    fn a_string_id_stays_a_string() {
        let id = Id::from_json("\"a\\\"b\"").unwrap();
        assert!(!id.is_number());
        assert_eq!(id.as_str(), "a\"b");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"a\\\"b\"");
        assert_eq!(Id::from_json("true"), None);
    }

    #[test]
    fn ids_compare_by_text() {
        assert_eq!(Id::number("148".into()), Id::from("148"));
        assert_eq!(
            Id::from("a").cmp(&Id::number("1".into())),
            Ordering::Greater
        );
    }
}
