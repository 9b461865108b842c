/// Reductions of SIMD comparison results that compile to a few instructions.
///
/// The standard library's `any(_:)` on a 16-lane mask calls a generic `min()` specialization, which costs more than
/// scanning a short string itself.
enum SIMDLanes {
    /// Whether any lane of `mask` is set (lanes are all-zero or all-one bytes, so the two halves as words suffice).
    @inline(__always)
    static func any(_ mask: SIMDMask<SIMD16<Int8>>) -> Bool {
        let words = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        return words[0] | words[1] != 0
    }
}
