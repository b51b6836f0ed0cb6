//! Plots of bulletins and models, as PNG and SVG: similarity heatmap ([`heatmap`]), archive map
//! ([`map`]), topic distribution ([`bars`]), top terms per topic ([`terms`]) and the confusion
//! matrix of an evaluation ([`confusion`]). Arabic labels are shaped for the bitmap output
//! ([`shape`]) and drawn with an embedded font ([`font`]); [`render`] writes the files.

pub mod bars;
pub mod bulletins;
pub mod confusion;
pub mod font;
pub mod heatmap;
pub mod map;
pub mod render;
pub mod shape;
pub mod style;
pub mod terms;

pub use bulletins::Bulletin;
pub use render::{Figure, Format, save};
