import MAAWire
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

    /// `hhhhhhhh-hhhh-hhhh-llll-llllllllllll`.
    static func format(high: UInt64, low: UInt64) -> String {
        let bytes: [UInt8] = withUnsafeBytes(of: high.bigEndian, Array.init) + withUnsafeBytes(of: low.bigEndian, Array.init)
        let hex = Hex.encode(bytes)
        var id = ""
        id.reserveCapacity(36)
        for (offset, character) in hex.enumerated() {
            if offset == 8 || offset == 12 || offset == 16 || offset == 20 { id.append("-") }
            id.append(character)
        }
        return id
    }
}
