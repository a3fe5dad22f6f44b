//! What becomes of an uploaded image: only PNG, JPEG and WebP are read (by content, not by
//! name), within size limits, turned upright, resized and encoded afresh, so what is stored
//! and served is pixels the site wrote itself, with no metadata (a photo's location goes).
//! Icons become a 256 × 256 lossless WebP; screenshots a JPEG at most 1280 pixels a side.

use super::media_id;
use app::domain::{Image, MediaFormat};
use app::ports::StoredImage;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use std::io::Cursor;

/// Largest file accepted.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;
/// Largest image read, a side; decoding stops at the header of a larger one.
const MAX_SIDE: u32 = 8000;
/// Smallest side an image may have.
const MIN_SIDE: u32 = 64;
const ICON_SIDE: u32 = 256;
const SCREENSHOT_MAX_SIDE: u32 = 1280;
const JPEG_QUALITY: u8 = 85;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageUse {
    Icon,
    Screenshot,
}

impl ImageUse {
    pub fn from_slug(slug: &str) -> Option<ImageUse> {
        match slug {
            "icon" => Some(ImageUse::Icon),
            "screenshot" => Some(ImageUse::Screenshot),
            _ => None,
        }
    }
}

/// Why an upload was refused, in words for the administrator.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImageProblem {
    #[error("the file is empty")]
    Empty,
    #[error("the image is larger than 8 MB")]
    TooLarge,
    #[error("the file is not a PNG, JPEG or WebP image")]
    NotAnImage,
    #[error("the image is damaged or incomplete")]
    Damaged,
    #[error("the image is {0} × {1} pixels; at most 8000 a side")]
    TooManyPixels(u32, u32),
    #[error("the image is {0} × {1} pixels; at least 64 a side")]
    TooSmall(u32, u32),
}

/// The image to store for `bytes` used as `usage`, and its name and size.
pub fn reencode(bytes: &[u8], usage: ImageUse) -> Result<(Image, StoredImage), ImageProblem> {
    if bytes.is_empty() {
        return Err(ImageProblem::Empty);
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ImageProblem::TooLarge);
    }
    let reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| ImageProblem::NotAnImage)?;
    if !matches!(reader.format(), Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)) {
        return Err(ImageProblem::NotAnImage);
    }
    let mut decoder = reader.into_decoder().map_err(|_| ImageProblem::Damaged)?;
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(ImageProblem::TooManyPixels(width, height));
    }
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(ImageProblem::TooSmall(width, height));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| ImageProblem::Damaged)?;
    picture.apply_orientation(orientation);
    let (format, out) = match usage {
        ImageUse::Icon => {
            let icon = picture.resize_to_fill(ICON_SIDE, ICON_SIDE, FilterType::Lanczos3).to_rgba8();
            let mut out = Vec::new();
            image::codecs::webp::WebPEncoder::new_lossless(&mut out)
                .encode(icon.as_raw(), icon.width(), icon.height(), image::ExtendedColorType::Rgba8)
                .map_err(|_| ImageProblem::Damaged)?;
            (MediaFormat::Webp, (out, icon.width(), icon.height()))
        }
        ImageUse::Screenshot => {
            let fits = picture.width() <= SCREENSHOT_MAX_SIDE && picture.height() <= SCREENSHOT_MAX_SIDE;
            let screen = if fits {
                picture
            } else {
                picture.resize(SCREENSHOT_MAX_SIDE, SCREENSHOT_MAX_SIDE, FilterType::Lanczos3)
            }
            .to_rgb8();
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
                .encode_image(&screen)
                .map_err(|_| ImageProblem::Damaged)?;
            (MediaFormat::Jpeg, (out, screen.width(), screen.height()))
        }
    };
    let (bytes, width, height) = out;
    let image = Image { id: media_id(&bytes, format), width, height };
    Ok((image, StoredImage { format, bytes }))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    /// A `width` × `height` picture with a gradient, encoded as `format`.
    pub(crate) fn picture(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img).write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn decoded(stored: &StoredImage) -> DynamicImage {
        image::load_from_memory(&stored.bytes).unwrap()
    }

    #[test]
    fn png_jpeg_and_webp_become_a_square_webp_icon() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
            let (image, stored) = reencode(&picture(600, 400, format), ImageUse::Icon).unwrap();
            assert_eq!((image.width, image.height, stored.format), (256, 256, MediaFormat::Webp), "{format:?}");
            assert_eq!(image::guess_format(&stored.bytes).unwrap(), ImageFormat::WebP);
            assert_eq!(decoded(&stored).width(), 256);
            assert_eq!(image.id, media_id(&stored.bytes, MediaFormat::Webp));
        }
    }

    #[test]
    fn screenshots_keep_their_shape_within_1280_pixels() {
        let (image, stored) = reencode(&picture(2000, 1000, ImageFormat::Png), ImageUse::Screenshot).unwrap();
        assert_eq!((image.width, image.height, stored.format), (1280, 640, MediaFormat::Jpeg));
        assert_eq!(image::guess_format(&stored.bytes).unwrap(), ImageFormat::Jpeg);
        let (small, _) = reencode(&picture(390, 844, ImageFormat::Jpeg), ImageUse::Screenshot).unwrap();
        assert_eq!((small.width, small.height), (390, 844), "never enlarged");
    }

    #[test]
    fn anything_else_is_refused_with_its_reason() {
        let refused = |bytes: &[u8]| reencode(bytes, ImageUse::Icon).unwrap_err();
        assert_eq!(refused(b""), ImageProblem::Empty);
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        assert_eq!(refused(svg), ImageProblem::NotAnImage);
        assert_eq!(refused(b"name,slug\nx,y\n"), ImageProblem::NotAnImage);
        assert_eq!(refused(b"GIF89a\x40\x00\x40\x00\x80\x00\x00"), ImageProblem::NotAnImage, "GIF");
        assert_eq!(refused(b"BM\x36\x30\x00\x00\x00\x00\x00\x00\x36\x00"), ImageProblem::NotAnImage, "BMP");
        assert_eq!(refused(&picture(8001, 64, ImageFormat::Png)), ImageProblem::TooManyPixels(8001, 64));
        assert_eq!(refused(&picture(63, 300, ImageFormat::Png)), ImageProblem::TooSmall(63, 300));
        let png = picture(300, 300, ImageFormat::Png);
        assert_eq!(refused(&png[..png.len() / 2]), ImageProblem::Damaged);
        assert_eq!(refused(&vec![0u8; MAX_IMAGE_BYTES + 1]), ImageProblem::TooLarge);
    }
}
