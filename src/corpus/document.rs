//! A bulletin as amn sees it.

use super::labels::Labels;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// One bulletin: identity, text, optional metadata and optional hand labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Labels>,
}

impl Document {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Document {
        Document {
            id: id.into(),
            title: String::new(),
            text: text.into(),
            source: None,
            date: None,
            labels: None,
        }
    }

    /// Title and body as one text (the title is a paragraph of its own); the body itself,
    /// not a copy, when there is no title.
    pub fn full_text(&self) -> Cow<'_, str> {
        if self.title.is_empty() {
            Cow::Borrowed(&self.text)
        } else {
            Cow::Owned(format!("{}\n{}", self.title, self.text))
        }
    }

    /// A short title for display: the given title, or the first line of the text.
    pub fn display_title(&self) -> String {
        let t = if self.title.trim().is_empty() {
            self.text
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("")
        } else {
            self.title.trim()
        };
        let mut short: String = t.chars().take(80).collect();
        if t.chars().count() > 80 {
            short.push('…');
        }
        short
    }
}
