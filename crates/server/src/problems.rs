//! Problems of the shared rules (`lakedeck_api::problem`) worded in both of the sandbox's
//! languages, from the same catalogs the console loads (parsed once, each with its language's
//! plural rules).

use lakedeck_api::problem::{Catalog, Problem};

use crate::lang::Text;

/// A problem in English and Chinese.
pub fn problem_text(p: &Problem) -> Text {
    Text::new(Catalog::english().word(p), Catalog::chinese().word(p))
}

impl Text {
    /// The text after `prefix` in both languages (a field path before a message: `tags[0]: …`).
    pub fn prefixed(&self, prefix: &str) -> Text {
        Text::new(format!("{prefix}{}", self.en), format!("{prefix}{}", self.zh))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_read_in_both_languages() {
        let t = problem_text(&Problem::new("tag.key_too_long").with("max", 36));
        assert_eq!(t.en, "The tag key can have at most 36 characters.");
        assert_eq!(t.zh, "标签键最多 36 个字符。");
        assert_eq!(t.prefixed("tag: ").en, "tag: The tag key can have at most 36 characters.");
        // Every key the sandbox uses is in both catalogs.
        let (en, zh) = (Catalog::english(), Catalog::chinese());
        assert!(en.get("scaling.event.rule_out").is_some() && zh.get("scaling.event.rule_out").is_some());
    }
}
