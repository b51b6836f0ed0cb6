//! The topic labels: four security topics, and `other` for a primary label when none applies.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A security topic a bulletin can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Cybersecurity,
    AviationSecurity,
    CounterTerrorism,
    Narcotics,
}

/// Number of topics (the order of [`Topic::ALL`] indexes per-topic arrays everywhere).
pub const N_TOPICS: usize = 4;

impl Topic {
    pub const ALL: [Topic; N_TOPICS] = [
        Topic::Cybersecurity,
        Topic::AviationSecurity,
        Topic::CounterTerrorism,
        Topic::Narcotics,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Cybersecurity => "cybersecurity",
            Topic::AviationSecurity => "aviation_security",
            Topic::CounterTerrorism => "counter_terrorism",
            Topic::Narcotics => "narcotics",
        }
    }

    pub fn arabic(self) -> &'static str {
        match self {
            Topic::Cybersecurity => "الأمن السيبراني",
            Topic::AviationSecurity => "أمن الطيران",
            Topic::CounterTerrorism => "مكافحة الإرهاب",
            Topic::Narcotics => "المخدرات",
        }
    }

    pub fn parse(s: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A primary label: one topic, or `other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    Topic(Topic),
    Other,
}

/// Number of primary labels (the four topics and `other`).
pub const N_LABELS: usize = N_TOPICS + 1;

impl Label {
    pub const ALL: [Label; N_LABELS] = [
        Label::Topic(Topic::Cybersecurity),
        Label::Topic(Topic::AviationSecurity),
        Label::Topic(Topic::CounterTerrorism),
        Label::Topic(Topic::Narcotics),
        Label::Other,
    ];

    pub fn index(self) -> usize {
        match self {
            Label::Topic(t) => t.index(),
            Label::Other => N_TOPICS,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Topic(t) => t.as_str(),
            Label::Other => "other",
        }
    }

    pub fn arabic(self) -> &'static str {
        match self {
            Label::Topic(t) => t.arabic(),
            Label::Other => "أخرى",
        }
    }

    pub fn parse(s: &str) -> Option<Label> {
        match s.trim() {
            "other" => Some(Label::Other),
            s => Topic::parse(s).map(Label::Topic),
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Label::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown label {s:?}")))
    }
}

/// The hand labels of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labels {
    pub primary: Label,
    pub topics: Vec<Topic>,
}

impl Labels {
    /// Builds consistent labels: the primary topic is always among the topics; `other` only when
    /// there are none.
    pub fn new(primary: Label, mut topics: Vec<Topic>) -> Labels {
        if let Label::Topic(t) = primary
            && !topics.contains(&t)
        {
            topics.push(t);
        }
        topics.sort();
        topics.dedup();
        let primary = match primary {
            Label::Other => topics.first().map_or(Label::Other, |&t| Label::Topic(t)),
            p => p,
        };
        Labels { primary, topics }
    }

    pub fn has(&self, topic: Topic) -> bool {
        self.topics.contains(&topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_through_their_names() {
        for l in Label::ALL {
            assert_eq!(Label::parse(l.as_str()), Some(l));
        }
        assert_eq!(Label::parse("weather"), None);
    }

    #[test]
    fn primary_joins_the_topics() {
        let l = Labels::new(Label::Topic(Topic::Narcotics), vec![Topic::Cybersecurity]);
        assert_eq!(l.topics, [Topic::Cybersecurity, Topic::Narcotics]);
    }
}
