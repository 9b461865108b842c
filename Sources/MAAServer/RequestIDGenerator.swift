import Synchronization

/// `x-ms-request-id` values: UUID-shaped, lower-case, unique within the process and random-looking across
/// processes — a random 64-bit process prefix and a counter passed through a bijective mixer. Foundation's
/// `UUID()` asked the kernel for randomness on every request (≈ 10 µs); a request id needs uniqueness, not secrecy.
enum RequestIDGenerator {
    private static let prefix = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)

    static func next() -> String {
        let count = counter.add(1, ordering: .relaxed).newValue
        return format(high: prefix, low: mix(count))
    }

    /// SplitMix64's finaliser: a bijection on 64-bit values, so distinct counts give distinct ids.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `hhhhhhhh-hhhh-hhhh-llll-llllllllllll`, lowercase (written as UTF-8 in place: it is made for every request).
    static func format(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            let digits: StaticString = "0123456789abcdef"
            var position = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    buffer[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = nibble < 16 ? high : low
                buffer[position] = digits.utf8Start[Int(truncatingIfNeeded: (word >> UInt64(60 - 4 * (nibble % 16))) & 0xF)]
                position += 1
            }
            return position
        }
    }
}
