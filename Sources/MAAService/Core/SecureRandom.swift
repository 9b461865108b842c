#if canImport(Glibc)
import Glibc
#endif

/// Cryptographically secure random bytes from the operating system.
enum SecureRandom {
    /// `count` random bytes. Where the C library has `getrandom` (glibc 2.25+), one call fills them: the standard
    /// library's generator makes one system call per eight bytes, four for each token ID. Otherwise, or if that call
    /// comes up short, the standard library's generator draws them eight at a time.
    static func bytes(_ count: Int) -> [UInt8] {
        if let getrandom = Self.getrandom {
            var filled = [UInt8](repeating: 0, count: count)
            let read = filled.withUnsafeMutableBytes { getrandom($0.baseAddress, $0.count, 0) }
            if read == count { return filled }
        }
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

    private typealias GetRandom = @convention(c) (UnsafeMutableRawPointer?, Int, UInt32) -> Int

    /// The C library's `getrandom(buffer, length, flags)`, looked up at run time: Swift's Glibc module does not
    /// declare it, and a C library without it simply keeps the standard generator.
    private static let getrandom: GetRandom? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "getrandom") else { return nil }
        return unsafeBitCast(symbol, to: GetRandom.self)
        #else
        return nil
        #endif
    }()
}
