//! The methods every closed set of named values shares: `ALL`, a URL/storage `slug`, a human
//! `label`, and `from_slug`. Each kind of enum declares itself (with its own serde form, which
//! stored data depends on) and calls `slug_methods!` for these.

macro_rules! slug_methods {
    ($name:ident { $($variant:ident => $slug:literal, $label:literal;)+ }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn slug(self) -> &'static str {
                match self { $($name::$variant => $slug),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn from_slug(slug: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.slug() == slug)
            }
        }
    };
}
pub(crate) use slug_methods;
