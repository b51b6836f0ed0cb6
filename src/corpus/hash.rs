//! FNV-1a, 64-bit: the one hash behind fold assignment, plot sampling, rare-term keys and the
//! store's text hashes. Chosen over std's hasher because these values are stored in models and
//! decide folds, so they must not change between runs, versions or machines.

/// The hash of no bytes; feed on from it with [`fnv1a64_continue`].
pub const FNV_OFFSET: u64 = 0xcbf29ce484222325;
const FNV_PRIME: u64 = 0x100000001b3;

pub fn fnv1a64(bytes: &[u8]) -> u64 {
    fnv1a64_continue(FNV_OFFSET, bytes)
}

/// The hash of whatever gave `h`, continued with `bytes`.
#[inline(always)]
pub fn fnv1a64_continue(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
    }

    #[test]
    fn continuing_equals_hashing_the_whole() {
        assert_eq!(
            fnv1a64_continue(fnv1a64(b"foo"), b"bar"),
            fnv1a64(b"foobar")
        );
    }
}
