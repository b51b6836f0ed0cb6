//! Arabic words by runs, the scanner's fast path inside a word: eight letters at a time with
//! SSE2 where the build has it, a packed table for the characters that stop a block (marks,
//! tatweel, rarer letters). Both agree with [`char_table`], which the tests check character by
//! character.

use super::{KIND_ARABIC, KIND_NONE};
use crate::text::normalize::{CharInfo, char_table};

/// A character of the Arabic block (U+0600–U+067F) continues an Arabic word in the common way:
/// a letter whose fold is one alphanumeric character, or an ignorable mark (dropped).
pub(super) const RUN_CONTINUES: u32 = 1 << 25;
/// The character is a letter (counted in the word's length).
pub(super) const RUN_LETTER: u32 = 1 << 24;

/// For each character of U+0600–U+067F, what the fast path does with it inside an Arabic word,
/// packed in one number: its fold's UTF-8 (bits 0–15, little-endian), the bytes written (bits
/// 16–23: 0 for a mark), [`RUN_LETTER`], [`RUN_CONTINUES`] (clear: anything else, which the
/// character-by-character loop handles). Built from [`char_table`], so it agrees with it.
pub(super) fn arabic_run_table() -> &'static [u32; 128] {
    static TABLE: std::sync::OnceLock<[u32; 128]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let chars = char_table();
        std::array::from_fn(|k| {
            let info = chars[0x600 + k];
            if info.kind == KIND_ARABIC && info.flags & CharInfo::FOLDED_ALNUM != 0 {
                u32::from(info.utf8[0])
                    | u32::from(info.utf8[1]) << 8
                    | u32::from(info.len) << 16
                    | RUN_LETTER
                    | RUN_CONTINUES
            } else if info.kind == KIND_NONE && info.flags & CharInfo::IGNORABLE != 0 {
                RUN_CONTINUES
            } else {
                0
            }
        })
    })
}

/// The [`arabic_run_table`] index of the character whose UTF-8 starts `lead` (D8 or D9), `trail`.
#[inline(always)]
pub(super) fn run_index(lead: u8, trail: u8) -> usize {
    (usize::from(lead & 1) << 6) | usize::from(trail & 0x3F)
}

/// Scans the run of Arabic-block characters that continue a word (see [`arabic_run_table`]) at
/// the start of `src` (part of an Arabic word), writing their folds to `out`; returns the bytes
/// read and written and how many letters the run has. Letters go eight at a time through
/// [`fold_letters_prefix`] while 16 bytes of `src` remain (so a block never writes past what
/// `src` would fold to: folding does not lengthen), the rest one at a time through the table.
#[inline(always)]
pub(super) fn arabic_run(table: &[u32; 128], src: &[u8], out: &mut [u8]) -> (usize, usize, u32) {
    let (mut read, mut o, mut letters) = (0, 0, 0);
    loop {
        // Eight letters at a time (most words are letters only), where the build has SSE2.
        while let Some(block) = src.get(read..read + 16).filter(|_| HAS_BLOCKS) {
            let (folded, n) = fold_letters_prefix(block);
            out[o..o + 16].copy_from_slice(&folded);
            o += n;
            read += n;
            letters += n as u32 / 2;
            if n < 16 {
                break;
            }
        }
        // Then one character by the table: a mark, a rarer letter, or the word's end.
        // U+0600–U+067F: lead byte D8 or D9, then a continuation byte.
        let Some(&[lead, trail]) = src.get(read..read + 2) else {
            break;
        };
        if lead & 0xFE != 0xD8 {
            break;
        }
        let e = table[run_index(lead, trail)];
        if e & RUN_CONTINUES == 0 {
            break;
        }
        out[o..o + 2].copy_from_slice(&(e as u16).to_le_bytes());
        o += ((e >> 16) & 0xFF) as usize;
        letters += (e >> 24) & 1;
        read += 2;
    }
    (read, o, letters)
}

/// Folds the Arabic letters at the start of `block`: returns the block with them folded and how
/// many bytes they take. Letters that fold to themselves (ء ا ب ت...ي) and the letters that
/// fold to another two-byte letter (آ أ إ → ا, ؤ ئ → ء, ة → ه, ى → ي) are done eight at a time;
/// anything else (a mark, tatweel, a rarer letter, the word's end) stops the prefix and is left
/// to the table. Each character is a little-endian 16-bit lane, lead byte low.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
pub(super) fn fold_letters_prefix(block: &[u8]) -> ([u8; 16], usize) {
    use std::arch::x86_64::*;
    let half =
        |r: std::ops::Range<usize>| i64::from_le_bytes(block[r].try_into().expect("eight bytes"));
    let (low, high) = (half(0..8), half(8..16));
    // SAFETY: the intrinsics need SSE2, which this build targets (the cfg above); they work on
    // values only, no memory is read or written through a pointer.
    let (folded_low, folded_high, mask) = unsafe {
        let v = _mm_set_epi64x(high, low);
        let lead = _mm_and_si128(v, _mm_set1_epi16(0xFF));
        let trail = _mm_srli_epi16::<8>(v);
        let is = |x: i16| _mm_cmpeq_epi16(trail, _mm_set1_epi16(x));
        // Lanes hold 0..=255: signed comparisons order them as unsigned ones would.
        let within = |lo: i16, hi: i16| {
            _mm_and_si128(
                _mm_cmpgt_epi16(trail, _mm_set1_epi16(lo - 1)),
                _mm_cmplt_epi16(trail, _mm_set1_epi16(hi + 1)),
            )
        };
        let d8 = _mm_cmpeq_epi16(lead, _mm_set1_epi16(0xD8));
        let d9 = _mm_cmpeq_epi16(lead, _mm_set1_epi16(0xD9));
        // Letters kept as they are: U+0621 ء, U+0627–0628 ا ب, U+062A–063A ت...غ (lead D8);
        // U+0641–0648 ف...و, U+064A ي (lead D9).
        let plain = _mm_or_si128(
            _mm_and_si128(
                d8,
                _mm_or_si128(
                    _mm_or_si128(is(0xA1), within(0xA7, 0xA8)),
                    within(0xAA, 0xBA),
                ),
            ),
            _mm_and_si128(d9, _mm_or_si128(within(0x81, 0x88), is(0x8A))),
        );
        // Letters replaced, as (lanes, replacement lane): U+0622 آ, U+0623 أ, U+0625 إ → ا;
        // U+0624 ؤ, U+0626 ئ → ء; U+0629 ة → ه (D9 87); U+0649 ى → ي (D9 8A).
        let alef = _mm_and_si128(d8, _mm_or_si128(_mm_or_si128(is(0xA2), is(0xA3)), is(0xA5)));
        let hamza = _mm_and_si128(d8, _mm_or_si128(is(0xA4), is(0xA6)));
        let teh_marbuta = _mm_and_si128(d8, is(0xA9));
        let alef_maksura = _mm_and_si128(d9, is(0x89));
        let lane = |lead: u8, trail: u8| _mm_set1_epi16(i16::from_le_bytes([lead, trail]));
        let replaced = _mm_or_si128(
            _mm_or_si128(alef, hamza),
            _mm_or_si128(teh_marbuta, alef_maksura),
        );
        let folded = _mm_or_si128(
            _mm_andnot_si128(replaced, v),
            _mm_or_si128(
                _mm_or_si128(
                    _mm_and_si128(alef, lane(0xD8, 0xA7)),
                    _mm_and_si128(hamza, lane(0xD8, 0xA1)),
                ),
                _mm_or_si128(
                    _mm_and_si128(teh_marbuta, lane(0xD9, 0x87)),
                    _mm_and_si128(alef_maksura, lane(0xD9, 0x8A)),
                ),
            ),
        );
        (
            _mm_cvtsi128_si64(folded),
            _mm_cvtsi128_si64(_mm_unpackhi_epi64(folded, folded)),
            _mm_movemask_epi8(_mm_or_si128(plain, replaced)) as u32,
        )
    };
    let mut out = [0; 16];
    out[..8].copy_from_slice(&folded_low.to_le_bytes());
    out[8..].copy_from_slice(&folded_high.to_le_bytes());
    (out, (!mask).trailing_zeros().min(16) as usize)
}

/// Whether [`fold_letters_prefix`] folds anything (else the table does every character).
const HAS_BLOCKS: bool = cfg!(all(target_arch = "x86_64", target_feature = "sse2"));

/// [`fold_letters_prefix`] without SIMD: no prefix, so the table does every character.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
pub(super) fn fold_letters_prefix(_block: &[u8]) -> ([u8; 16], usize) {
    ([0; 16], 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::normalize;

    #[test]
    fn eight_at_a_time_folding_agrees_with_the_table() {
        let simd = HAS_BLOCKS;
        let table = arabic_run_table();
        for cp in 0x600..0x680u32 {
            let c = char::from_u32(cp).unwrap();
            let mut utf8 = [0; 2];
            c.encode_utf8(&mut utf8);
            let e = table[run_index(utf8[0], utf8[1])];
            let two_byte_letter = e & RUN_LETTER != 0 && (e >> 16) & 0xFF == 2;
            let (folded, n) = fold_letters_prefix(&utf8.repeat(8));
            assert!(n == 0 || n == 16, "{c:?}");
            if n == 16 {
                assert!(two_byte_letter, "{c:?} is no two-byte letter");
                assert_eq!(
                    folded,
                    (e as u16).to_le_bytes().repeat(8).as_slice(),
                    "{c:?}"
                );
            } else if simd && ('ء'..='ي').contains(&c) && two_byte_letter {
                panic!("{c:?} is left to the table");
            }
        }
        for (text, letters) in [
            ("الإرهاب", 7),
            ("مكافحة", 6),
            ("abcdefghijklmnop", 0),
            ("ـال", 0),
        ] {
            let mut block = text.as_bytes().to_vec();
            block.resize(16, b' ');
            let (folded, n) = fold_letters_prefix(&block[..16]);
            assert_eq!(n, if simd { 2 * letters } else { 0 }, "{text}");
            assert_eq!(&folded[..n], &normalize(text).as_bytes()[..n], "{text}");
        }
    }
}
