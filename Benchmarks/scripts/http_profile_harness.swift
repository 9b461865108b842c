// Driver for service-http-callgrind.sh: the HTTP application (`buildApplication`, as `attest serve` builds it) on a
// loopback port, and a blocking client in the main thread that sends N `POST /attest/SgxEnclave` requests with the
// recorded quote over one kept-alive connection, so that callgrind's counts for N and N + k requests differ only by
// k requests: HTTP parsing, routing, authentication (a static API token), body reading, the attestation and the
// response, in every thread of the process. The service is profile_service.swift's.
// Usage: http_profile_harness SHARED_DIR KEY_PEM REQUESTS
import Foundation
import Hummingbird
import Logging
import MAAServer
import MAAService

#if canImport(Glibc)
import Glibc
#endif

let shared = URL(fileURLWithPath: CommandLine.arguments[1])
let keyPath = CommandLine.arguments[2]
let requests = Int(CommandLine.arguments[3]) ?? 10
func fail(_ message: String) -> Never {
    print("error: \(message)")
    exit(1)
}

final class Started: @unchecked Sendable {
    var port = 0
    var error: (any Error)?
}
let started = Started()
let ready = DispatchSemaphore(value: 0)
let apiToken = "profile-harness-token-0123456789"
Task {
    do {
        let (service, _, storage) = try await makeProfileService(shared: shared, keyPath: keyPath)
        _ = try await service.bootstrapAPIToken(configuredToken: apiToken)
        var logger = Logger(label: "harness")
        logger.logLevel = .warning
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let app = try buildApplication(
            service: service,
            authenticator: AuthenticatorChain([StaticTokenAuthenticator(store: storage)]),
            configuration: configuration,
            logger: logger,
            onServerRunning: { port in
                started.port = port
                ready.signal()
            }
        )
        try await app.runService()
    } catch {
        started.error = error
        ready.signal()
    }
}
ready.wait()
if let error = started.error { fail("\(error)") }

// The request, as load-attest.sh sends it.
let quote = try String(contentsOf: shared.appendingPathComponent("maa-data/sgx/sgx_quote_v3.b64url"), encoding: .utf8)
    .trimmingCharacters(in: .whitespacesAndNewlines)
let runtime = try String(contentsOf: shared.appendingPathComponent("maa-data/sgx/runtime_data.b64url"), encoding: .utf8)
    .trimmingCharacters(in: .whitespacesAndNewlines)
let body = #"{"quote": "\#(quote)", "runtimeData": {"data": "\#(runtime)", "dataType": "Binary"}}"#
let request = Array((
    "POST /load/attest/SgxEnclave?api-version=2022-08-01 HTTP/1.1\r\nHost: 127.0.0.1:\(started.port)\r\n"
        + "Content-Type: application/json\r\nAuthorization: Bearer \(apiToken)\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        + body
).utf8)

let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
guard socketFD >= 0 else { fail("socket") }
var address = sockaddr_in()
address.sin_family = sa_family_t(AF_INET)
address.sin_port = in_port_t(UInt16(started.port).bigEndian)
address.sin_addr.s_addr = inet_addr("127.0.0.1")
let connected = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
}
guard connected == 0 else { fail("connect") }

/// Sends the request and reads one whole response (headers, then Content-Length bytes); returns its status code.
/// Byte-level and allocation-free, so that the client adds little to the counts.
let capacity = 1 << 16
let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
func exchange() -> Int {
    var sent = 0
    while sent < request.count {
        let n = request.withUnsafeBytes { write(socketFD, $0.baseAddress! + sent, $0.count - sent) }
        guard n > 0 else { fail("write") }
        sent += n
    }
    var length = 0
    var headerEnd = -1
    var contentLength = 0
    while headerEnd < 0 || length < headerEnd + contentLength {
        guard length < capacity else { fail("response too large") }
        let n = read(socketFD, buffer + length, capacity - length)
        guard n > 0 else { fail("read") }
        length += n
        if headerEnd < 0 {
            var index = 0
            while index + 4 <= length {
                if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 {
                    headerEnd = index + 4
                    break
                }
                index += 1
            }
            guard headerEnd >= 0 else { continue }
            // "content-length:" in any case, then the digits.
            let name = Array("content-length:".utf8)
            var line = 0
            while line < headerEnd {
                var matches = line + name.count <= headerEnd
                var offset = 0
                while matches, offset < name.count {
                    matches = buffer[line + offset] | 0x20 == name[offset] | 0x20
                    offset += 1
                }
                if matches {
                    var digit = line + name.count
                    while buffer[digit] == 32 { digit += 1 }
                    while buffer[digit] >= 48, buffer[digit] <= 57 {
                        contentLength = contentLength * 10 + Int(buffer[digit] - 48)
                        digit += 1
                    }
                }
                while line < headerEnd, buffer[line] != 10 { line += 1 }
                line += 1
            }
        }
    }
    // "HTTP/1.1 200 ..."
    return Int(buffer[9] - 48) * 100 + Int(buffer[10] - 48) * 10 + Int(buffer[11] - 48)
}

for _ in 0..<requests {
    let status = exchange()
    guard status == 200 else { fail("status \(status)") }
}
print(requests)
exit(0)
