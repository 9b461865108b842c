public import MAAWire
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A JWS in compact serialization (RFC 7515 §7.1), parsed without losing the exact bytes received.
///
/// The signature is always checked over ``signingInput``, the ASCII text `BASE64URL(header).BASE64URL(payload)`
/// exactly as received, never over a re-serialization.
public struct JWS: Sendable, Hashable {
    /// The exact compact text.
    public let compact: String
    /// The decoded header JSON bytes, exactly as sent.
    public let headerBytes: [UInt8]
    /// The parsed header object.
    public let header: JSONObject
    /// The decoded payload bytes (empty for a reset-policy token).
    public let payload: [UInt8]
    /// The decoded signature (empty for an unsecured JWS).
    public let signature: [UInt8]
    /// The UTF-8 offset of the second `.` in ``compact``.
    let signingInputLength: Int

    /// The largest compact JWS accepted by default (MAA tokens are a few KiB; policies may be larger).
    public static let defaultMaximumLength = 1 << 20

    /// Parses a compact JWS. Rejects anything but exactly three base64url segments, a header that is not a JSON
    /// object with a string `alg`, duplicate header members, and any `crit` header (no extensions are understood).
    public init(compact: String, maximumLength: Int = JWS.defaultMaximumLength) throws(JOSEError) {
        var text = compact
        let parsed: Result<(Int, Int), JOSEError> = text.withUTF8 { utf8 in
            guard utf8.count <= maximumLength else {
                return .failure(JOSEError(.tooLarge, "compact JWS of \(utf8.count) bytes exceeds \(maximumLength)"))
            }
            let raw = UnsafeRawBufferPointer(utf8)
            guard let first = Self.indexOfDot(raw, from: 0), let second = Self.indexOfDot(raw, from: first + 1) else {
                return .failure(JOSEError(.malformed, "compact JWS needs exactly three segments"))
            }
            guard Self.indexOfDot(raw, from: second + 1) == nil else {
                return .failure(JOSEError(.malformed, "compact JWS has more than three segments"))
            }
            return .success((first, second))
        }
        let (firstDot, secondDot) = try parsed.get()
        let decoded: Result<([UInt8], [UInt8], [UInt8]), JOSEError> = text.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            do throws(WireError) {
                let header = try Base64.decode(bytes: UnsafeRawBufferPointer(rebasing: raw[0..<firstDot]), alphabet: .url)
                let payload = try Base64.decode(
                    bytes: UnsafeRawBufferPointer(rebasing: raw[(firstDot + 1)..<secondDot]), alphabet: .url)
                let signature = try Base64.decode(
                    bytes: UnsafeRawBufferPointer(rebasing: raw[(secondDot + 1)...]), alphabet: .url)
                return .success((header, payload, signature))
            } catch {
                return .failure(JOSEError(.malformed, "a JWS segment is not base64url: \(error.reason)"))
            }
        }
        let (headerBytes, payload, signature) = try decoded.get()
        let headerValue: JSONValue
        do {
            headerValue = try JSONValue(parsing: headerBytes, options: .init(maxDepth: 16))
        } catch {
            throw JOSEError(.malformed, "JWS header is not valid JSON: \(error.reason)")
        }
        guard let header = headerValue.objectValue else { throw JOSEError(.malformed, "JWS header is not a JSON object") }
        guard header["alg"]?.stringValue != nil else { throw JOSEError(.malformed, "JWS header has no string \"alg\"") }
        if header["crit"] != nil { throw JOSEError(.malformed, "JWS header lists critical extensions this layer does not understand") }
        self.compact = text
        self.headerBytes = headerBytes
        self.header = header
        self.payload = payload
        self.signature = signature
        self.signingInputLength = secondDot
    }

    /// The offset of the next `.` at or after `start` (memchr: tokens are several KiB).
    private static func indexOfDot(_ buffer: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < buffer.count, let base = buffer.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(UInt8(ascii: ".")), buffer.count - start) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    /// Assembles a JWS from already-encoded parts (used by the signers in this module).
    init(headerBytes: [UInt8], header: JSONObject, payload: [UInt8], signingInput: String, signature: [UInt8]) {
        self.compact = signingInput + "." + Base64.urlEncoded(signature)
        self.headerBytes = headerBytes
        self.header = header
        self.payload = payload
        self.signature = signature
        self.signingInputLength = signingInput.utf8.count
    }

    /// The header `alg` exactly as sent.
    public var algorithmName: String { header["alg"]?.stringValue ?? "" }

    /// The header `alg` as a supported algorithm (MAA aliases mapped), or `nil` when unsupported.
    public var algorithm: JWSAlgorithm? { JWSAlgorithm(headerValue: algorithmName) }

    /// The header `kid`, if it is a string.
    public var keyID: String? { header["kid"]?.stringValue }

    /// The header `typ`, if it is a string.
    public var type: String? { header["typ"]?.stringValue }

    /// Whether this is an unsecured JWS (`alg` is `none`).
    public var isUnsecured: Bool { algorithmName == "none" }

    /// The bytes the signature covers: `BASE64URL(header) '.' BASE64URL(payload)` as received.
    public var signingInput: [UInt8] { Array(compact.utf8.prefix(signingInputLength)) }

    /// Calls `body` with the signing input without copying it.
    public func withSigningInput<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var text = compact
        return try text.withUTF8 { try body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer($0)[0..<signingInputLength])) }
    }

    /// The payload parsed as JSON, or `nil` for an empty payload.
    public func payloadJSON(options: JSONParsingOptions = .default) throws(JOSEError) -> JSONValue? {
        if payload.isEmpty { return nil }
        do {
            return try JSONValue(parsing: payload, options: options)
        } catch {
            throw JOSEError(.malformed, "JWS payload is not valid JSON: \(error.reason)")
        }
    }

    /// Verifies the signature with `key`, using the header's algorithm, which must be one of `allowedAlgorithms`
    /// and must fit the key's type.
    ///
    /// - Throws: `unsecuredTokenRejected` for `alg: none`, `algorithmNotAllowed`, `algorithmKeyMismatch`,
    ///   `signatureInvalid`.
    public func verifySignature(
        using key: JWSVerificationKey,
        allowedAlgorithms: Set<JWSAlgorithm> = JWSAlgorithm.secure
    ) throws(JOSEError) {
        if isUnsecured { throw JOSEError(.unsecuredTokenRejected, "the JWS is unsecured (alg: none)") }
        guard let algorithm else { throw JOSEError(.unsupportedAlgorithm, "unsupported JWS algorithm \"\(algorithmName)\"") }
        guard allowedAlgorithms.contains(algorithm) else {
            throw JOSEError(.algorithmNotAllowed, "JWS algorithm \(algorithm.rawValue) is not allowed")
        }
        let result: Result<Bool, JOSEError> = withSigningInput { input in
            do throws(JOSEError) {
                return .success(try key.isValidSignature(signature, for: input, algorithm: algorithm))
            } catch {
                return .failure(error)
            }
        }
        guard try result.get() else { throw JOSEError(.signatureInvalid, "the JWS signature does not verify") }
    }

    public static func == (lhs: JWS, rhs: JWS) -> Bool { lhs.compact == rhs.compact }
    public func hash(into hasher: inout Hasher) { hasher.combine(compact) }
}
