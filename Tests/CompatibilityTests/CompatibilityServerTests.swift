#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing

/// The test server itself: a port taken between its probe and its bind makes it fail fast (the run tries another
/// port), instead of waiting forever for a server that never listens.
@Suite struct CompatibilityServerTests {
    /// A socket listening on a loopback port, closed by ``close()``.
    struct Listener {
        let descriptor: CInt
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    bind(descriptor, address, length) == 0 && listen(descriptor, 1) == 0
                        && getsockname(descriptor, address, &length) == 0
                }
            }
            try #require(descriptor >= 0 && bound)
            self.descriptor = descriptor
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        func close() { _ = Glibc.close(descriptor) }
    }

    @Test func aTakenPortIsAStartFailure() async throws {
        let listener = try Listener()
        defer { listener.close() }
        let failure = await #expect(throws: CompatibilityServer.StartFailure.self) {
            try await CompatibilityServer.run(on: listener.port) { _ in
                Issue.record("the server started on a port another socket listens on")
            }
        }
        #expect(failure?.port == listener.port)
    }
}
