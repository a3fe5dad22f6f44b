//! Text inside a `<textarea>`. Leptos renders a textarea's children unescaped on the server
//! (it treats it like `<script>`), so text holding `</textarea>` would close the element and
//! the rest would be parsed as markup. A textarea decodes character references, so escaping
//! `&` and `<` on the server shows the same text; in the browser the text is set as it is.

/// The text to put between `<textarea>` and `</textarea>`.
pub fn textarea_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        if text.contains(['&', '<']) {
            return text.replace('&', "&amp;").replace('<', "&lt;");
        }
    }
    text
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn a_closing_tag_cannot_leave_the_textarea() {
        assert_eq!(
            super::textarea_text("a </textarea><script>x</script> & b".into()),
            "a &lt;/textarea>&lt;script>x&lt;/script> &amp; b"
        );
        assert_eq!(super::textarea_text("plain".into()), "plain");
    }
}
