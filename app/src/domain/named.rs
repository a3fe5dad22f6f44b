//! The methods every closed set of named values shares: `ALL`, a URL/storage `slug`, a human
//! `label`, and `from_slug`. Each kind of enum declares itself (with its own serde form, which
//! stored data depends on) and calls `slug_methods!` for these; `facet_enum!` declares the
//! filterable sets, which also have a bit each.

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

/// Declares a small closed set of values with a URL slug and a human label, plus the bit each
/// value occupies in a compact mask (used by stores and the browse index for fast filtering).
macro_rules! facet_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $slug:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }

        $crate::domain::named::slug_methods!($name { $($variant => $slug, $label;)+ });

        impl $name {
            pub fn bit(self) -> u16 {
                1 << (self as u16)
            }

            /// The mask with the bit of every value in `values` set.
            pub fn mask_of(values: &[Self]) -> u16 {
                values.iter().fold(0, |mask, v| mask | v.bit())
            }

            /// The values whose bits are set in `mask`, in declaration order.
            pub fn from_mask(mask: u16) -> Vec<Self> {
                Self::ALL.iter().copied().filter(|v| mask & v.bit() != 0).collect()
            }
        }
    };
}
pub(crate) use facet_enum;
