#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A free TCP port for a server whose URLs must name its port before it listens (`attest serve --port 0`, the test
/// servers).
///
/// Token issuers (`iss`) and signing-certificate subjects name each instance's URL, which includes the port, and
/// they are fixed before the server starts listening. So `--port 0` (without `--public-url`) asks the kernel
/// for an ephemeral port on the listening address first, releases it, and serves on that port. Another process
/// could take the port in between (microseconds, and the kernel hands ephemeral ports out in rotation); the
/// server then fails to bind with a clear error rather than serving under a wrong URL.
public enum EphemeralPort {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A port the kernel chose on `host`, released again (see above).
    public static func reserve(host: String) throws -> Int {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, "0", &hints, &list) == 0, let first = list else {
            throw Failure(description: "cannot resolve the listening address \(host)")
        }
        defer { freeaddrinfo(list) }
        let descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard descriptor >= 0 else { throw Failure(description: "cannot open a socket to find a free port") }
        defer { close(descriptor) }
        guard bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            throw Failure(description: "cannot bind \(host) to find a free port")
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw Failure(description: "cannot read the port the kernel chose") }
        let family = Int32(storage.ss_family)
        let networkOrder: UInt16 = withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
        }
        let port = Int(UInt16(bigEndian: networkOrder))
        guard port > 0 else { throw Failure(description: "the kernel chose no port") }
        return port
    }
}
