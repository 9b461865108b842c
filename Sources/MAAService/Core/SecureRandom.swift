/// Random bytes from the system's cryptographically secure generator (`getrandom` on Linux).
enum SecureRandom {
    /// `count` random bytes, drawn eight at a time (one generator call per eight bytes, not per byte).
    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var result: [UInt8] = []
        result.reserveCapacity(count + 8)
        while result.count < count {
            let word = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) { result.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        result.removeLast(result.count - count)
        return result
    }
}
