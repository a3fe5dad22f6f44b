//! The demo catalog's icons and screenshots: SVG drawn from the app's main category (its
//! motif) and a palette picked from its slug, so the same catalog always gets the same
//! pictures. There are few distinct drawings (11 motifs × 10 palettes, 3 screen layouts
//! each), built once per process and served from memory like uploads are from the store:
//! every node has them without a shared disk.

use super::media_id;
use app::domain::{App, AppImages, Category, Image, MediaFormat};
use app::ports::StoredImage;
use std::collections::HashMap;
use std::sync::LazyLock;

/// (background, foreground, light tint, accent)
const PALETTES: [(&str, &str, &str, &str); 10] = [
    ("#2f6fdf", "#ffffff", "#e4eeff", "#ffc53d"),
    ("#1f9d74", "#ffffff", "#e0f5ec", "#ffd166"),
    ("#e0573b", "#ffffff", "#fde8e2", "#2a3b8f"),
    ("#7c4dcc", "#ffffff", "#efe7fb", "#6ee7b7"),
    ("#f2a516", "#3a2600", "#fff3d6", "#d6336c"),
    ("#0f8fb0", "#ffffff", "#dff4fa", "#ff8a5b"),
    ("#c2367a", "#ffffff", "#fbe4ef", "#ffe066"),
    ("#3d4a5c", "#ffffff", "#e7ebf0", "#4dabf7"),
    ("#5a9e2f", "#ffffff", "#eaf5e0", "#f06595"),
    ("#ff7a45", "#ffffff", "#ffece3", "#364fc7"),
];
const LAYOUTS: usize = 3;
const ICON_SIZE: u32 = 512;
const SCREEN: (u32, u32) = (360, 640);

/// The category's motif, drawn in a 512 × 512 box in `fg`.
fn motif(category: Category, fg: &str, bg: &str) -> String {
    match category {
        Category::Math => format!(
            "<g fill=\"{fg}\"><rect x=\"116\" y=\"226\" width=\"280\" height=\"60\" rx=\"30\"/>\
             <rect x=\"226\" y=\"116\" width=\"60\" height=\"280\" rx=\"30\"/></g>"
        ),
        Category::Reading => {
            format!("<path fill=\"{fg}\" d=\"M86 150 L244 186 V386 L86 350Z M426 150 L268 186 V386 L426 350Z\"/>")
        }
        Category::Stories => format!(
            "<path fill=\"{fg}\" d=\"M116 130h280a44 44 0 0 1 44 44v150a44 44 0 0 1-44 44H230l-90 66v-66h-24\
             a44 44 0 0 1-44-44V174a44 44 0 0 1 44-44z\"/>"
        ),
        Category::Science => format!(
            "<g fill=\"none\" stroke=\"{fg}\" stroke-width=\"22\"><ellipse cx=\"256\" cy=\"256\" rx=\"180\" ry=\"66\"/>\
             <ellipse cx=\"256\" cy=\"256\" rx=\"180\" ry=\"66\" transform=\"rotate(60 256 256)\"/>\
             <ellipse cx=\"256\" cy=\"256\" rx=\"180\" ry=\"66\" transform=\"rotate(-60 256 256)\"/></g>\
             <circle cx=\"256\" cy=\"256\" r=\"36\" fill=\"{fg}\"/>"
        ),
        Category::Games => format!(
            "<rect x=\"76\" y=\"170\" width=\"360\" height=\"180\" rx=\"90\" fill=\"{fg}\"/>\
             <g fill=\"{bg}\"><rect x=\"136\" y=\"246\" width=\"90\" height=\"28\" rx=\"8\"/>\
             <rect x=\"167\" y=\"215\" width=\"28\" height=\"90\" rx=\"8\"/>\
             <circle cx=\"330\" cy=\"230\" r=\"20\"/><circle cx=\"370\" cy=\"280\" r=\"20\"/></g>"
        ),
        Category::Puzzles => format!(
            "<g fill=\"{fg}\"><rect x=\"130\" y=\"170\" width=\"220\" height=\"220\" rx=\"24\"/>\
             <circle cx=\"240\" cy=\"160\" r=\"48\"/><circle cx=\"360\" cy=\"280\" r=\"48\"/></g>\
             <circle cx=\"240\" cy=\"390\" r=\"40\" fill=\"{bg}\"/>"
        ),
        Category::Creativity => format!(
            "<path fill=\"{fg}\" d=\"M256 96c-100 0-176 70-176 160s76 160 166 160c30 0 40-20 30-40s0-44 30-44h50\
             c50 0 80-30 80-80 0-90-80-156-180-156z\"/><g fill=\"{bg}\"><circle cx=\"170\" cy=\"230\" r=\"26\"/>\
             <circle cx=\"240\" cy=\"170\" r=\"26\"/><circle cx=\"330\" cy=\"190\" r=\"26\"/></g>"
        ),
        Category::Music => format!(
            "<g fill=\"{fg}\"><circle cx=\"190\" cy=\"356\" r=\"64\"/><rect x=\"226\" y=\"120\" width=\"30\" height=\"240\"/>\
             <path d=\"M256 120 L386 160 V230 L256 190Z\"/></g>"
        ),
        Category::Languages => format!(
            "<g fill=\"none\" stroke=\"{fg}\" stroke-width=\"22\"><circle cx=\"256\" cy=\"256\" r=\"160\"/>\
             <ellipse cx=\"256\" cy=\"256\" rx=\"70\" ry=\"160\"/><path d=\"M96 256H416M120 180H392M120 332H392\"/></g>"
        ),
        Category::Coding => format!(
            "<g fill=\"none\" stroke=\"{fg}\" stroke-width=\"40\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\
             <path d=\"M190 160 L96 256 L190 352M322 160 L416 256 L322 352M286 130 L226 382\"/></g>"
        ),
        Category::Education => format!(
            "<g fill=\"{fg}\"><path d=\"M256 110 L456 200 L256 290 L56 200Z\"/>\
             <path d=\"M146 250 V330 C196 380 316 380 366 330 V250 L256 300Z\"/></g>"
        ),
    }
}

fn icon_svg(category: Category, palette: usize) -> String {
    let (bg, fg, _, accent) = PALETTES[palette];
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{ICON_SIZE}\" height=\"{ICON_SIZE}\" viewBox=\"0 0 512 512\">\
         <rect width=\"512\" height=\"512\" rx=\"112\" fill=\"{bg}\"/>\
         <circle cx=\"430\" cy=\"82\" r=\"120\" fill=\"{accent}\" opacity=\".35\"/>{}</svg>",
        motif(category, fg, bg)
    )
}

fn screenshot_svg(category: Category, palette: usize, layout: usize) -> String {
    let (bg, fg, light, accent) = PALETTES[palette];
    let (w, h) = SCREEN;
    let small_motif = |x: u32, y: u32, scale: f32, colour: &str| {
        format!("<g transform=\"translate({x} {y}) scale({scale})\">{}</g>", motif(category, colour, light))
    };
    let body = match layout {
        // Playing: the motif on stage, a score and three buttons.
        0 => format!(
            "<rect width=\"{w}\" height=\"{h}\" fill=\"{light}\"/><rect y=\"470\" width=\"{w}\" height=\"170\" fill=\"{bg}\"/>\
             <rect x=\"20\" y=\"24\" width=\"120\" height=\"40\" rx=\"20\" fill=\"{accent}\"/>\
             <rect x=\"290\" y=\"24\" width=\"50\" height=\"40\" rx=\"20\" fill=\"{bg}\"/>{}\
             <g fill=\"{fg}\"><circle cx=\"90\" cy=\"560\" r=\"34\"/><circle cx=\"180\" cy=\"560\" r=\"34\"/>\
             <circle cx=\"270\" cy=\"560\" r=\"34\"/></g>",
            small_motif(60, 150, 0.47, bg)
        ),
        // A level map: twelve tiles, the first ones done.
        1 => {
            let tiles: String = (0..12)
                .map(|i| {
                    let (x, y) = (30 + (i % 3) * 105, 120 + (i / 3) * 120);
                    let fill = if i < 5 { accent } else { bg };
                    format!("<rect x=\"{x}\" y=\"{y}\" width=\"90\" height=\"100\" rx=\"18\" fill=\"{fill}\"/>")
                })
                .collect();
            format!(
                "<rect width=\"{w}\" height=\"{h}\" fill=\"{light}\"/><rect width=\"{w}\" height=\"90\" fill=\"{bg}\"/>\
                 <rect x=\"24\" y=\"34\" width=\"180\" height=\"24\" rx=\"12\" fill=\"{fg}\"/>{}{tiles}",
                small_motif(290, 15, 0.12, fg)
            )
        }
        // A menu: a title, the motif on a card, three rows.
        _ => {
            let rows: String = (0..3)
                .map(|i| {
                    let y = 400 + i * 70;
                    format!(
                        "<rect x=\"24\" y=\"{y}\" width=\"312\" height=\"54\" rx=\"14\" fill=\"#ffffff\"/>\
                         <circle cx=\"54\" cy=\"{}\" r=\"14\" fill=\"{accent}\"/>\
                         <rect x=\"80\" y=\"{}\" width=\"160\" height=\"14\" rx=\"7\" fill=\"{bg}\"/>",
                        y + 27,
                        y + 20
                    )
                })
                .collect();
            format!(
                "<rect width=\"{w}\" height=\"{h}\" fill=\"{light}\"/>\
                 <rect x=\"24\" y=\"40\" width=\"220\" height=\"28\" rx=\"14\" fill=\"{bg}\"/>\
                 <rect x=\"24\" y=\"96\" width=\"312\" height=\"270\" rx=\"28\" fill=\"{bg}\"/>{}{rows}",
                small_motif(80, 111, 0.39, light)
            )
        }
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">{body}</svg>"
    )
}

/// Every drawing: the images apps name, by (category, palette) for icons and (category,
/// palette, layout) for screens, and the bytes behind each name.
struct Artwork {
    icons: HashMap<(Category, usize), Image>,
    screens: HashMap<(Category, usize, usize), Image>,
    bytes: HashMap<String, Vec<u8>>,
}

impl Artwork {
    fn draw(&mut self, svg: String, (width, height): (u32, u32)) -> Image {
        let bytes = svg.into_bytes();
        let image = Image { id: media_id(&bytes, MediaFormat::Svg), width, height };
        self.bytes.insert(image.id.clone(), bytes);
        image
    }
}

static ARTWORK: LazyLock<Artwork> = LazyLock::new(|| {
    let mut artwork = Artwork { icons: HashMap::new(), screens: HashMap::new(), bytes: HashMap::new() };
    for &category in Category::ALL {
        for palette in 0..PALETTES.len() {
            let icon = artwork.draw(icon_svg(category, palette), (ICON_SIZE, ICON_SIZE));
            artwork.icons.insert((category, palette), icon);
            for layout in 0..LAYOUTS {
                let screen = artwork.draw(screenshot_svg(category, palette, layout), SCREEN);
                artwork.screens.insert((category, palette, layout), screen);
            }
        }
    }
    artwork
});

/// The generated icon and two or three screenshots of a demo app: its main category's
/// motif, in a palette and an order of screens that its slug picks.
pub fn images_for(app: &App) -> AppImages {
    let hash = xxhash_rust::xxh3::xxh3_64(app.slug.as_bytes()) as usize;
    let category = app.categories.first().copied().unwrap_or(Category::Games);
    let palette = hash % PALETTES.len();
    let count = 2 + (hash >> 8) % 2;
    let first = (hash >> 16) % LAYOUTS;
    let artwork = &*ARTWORK;
    let screenshots =
        (0..count).filter_map(|k| artwork.screens.get(&(category, palette, (first + k) % LAYOUTS)).cloned()).collect();
    AppImages { icon: artwork.icons.get(&(category, palette)).cloned(), screenshots }
}

/// The generated image named `id`, if it is one.
pub fn generated(id: &str) -> Option<StoredImage> {
    let bytes = ARTWORK.bytes.get(id)?;
    Some(StoredImage { format: MediaFormat::Svg, bytes: bytes.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_drawing_is_well_formed_svg_under_its_own_name() {
        let artwork = &*ARTWORK;
        assert_eq!(artwork.bytes.len(), Category::ALL.len() * PALETTES.len() * (1 + LAYOUTS), "all distinct");
        for image in artwork.icons.values().chain(artwork.screens.values()) {
            let bytes = generated(&image.id).expect("its bytes").bytes;
            let text = std::str::from_utf8(&bytes).unwrap();
            let svg = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{}: {e}", image.id));
            assert_eq!(svg.root_element().tag_name().name(), "svg");
            assert_eq!(svg.root_element().attribute("width"), Some(image.width.to_string().as_str()));
            assert_eq!(svg.root_element().attribute("height"), Some(image.height.to_string().as_str()));
            assert!(!text.contains("<script") && !text.contains("href"), "nothing active in {}", image.id);
            assert_eq!(media_id(&bytes, MediaFormat::Svg), image.id);
        }
        assert_eq!(generated("0123456789abcdef0123456789abcdef.svg"), None);
    }

    #[test]
    fn apps_get_their_category_and_varied_palettes() {
        let apps: Vec<App> = crate::catalog::seed::generate(300, 4).collect();
        let icons: HashSet<String> =
            apps.iter().filter_map(|a| a.facts.store.images.icon.clone()).map(|i| i.id).collect();
        assert!(icons.len() > 40, "varied icons: {}", icons.len());
        for app in &apps {
            let images = &app.facts.store.images;
            assert_eq!(images, &images_for(app), "{}: the same every time", app.slug);
            assert!((2..=3).contains(&images.screenshots.len()), "{}", app.slug);
            assert_eq!(images.problem(), None);
            let icon = images.icon.as_ref().expect("an icon");
            let svg = String::from_utf8(generated(&icon.id).unwrap().bytes).unwrap();
            let &(bg, fg, _, _) = PALETTES.iter().find(|p| svg.contains(&format!("fill=\"{}\"", p.0))).unwrap();
            assert!(svg.contains(&motif(app.categories[0], fg, bg)), "{}: its category's motif", app.slug);
        }
    }
}
