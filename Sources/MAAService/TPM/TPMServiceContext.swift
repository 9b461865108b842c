import Crypto
import MAAWire

/// The TPM protocol's `service_context`: what round 1 hands the client and round 2 must carry back, so the
/// service keeps no session (`../shared/docs/tpm-protocol.md` §2.4).
///
/// The outer shape is MAA's — base64url of `{"ProtectionKeyName":…,"ProtectedContext":…}` — and the inside is
/// ours: AES-256-GCM over `version ‖ challenge ‖ issuedAt ‖ expiresAt ‖ contextID`, authenticated together with the
/// issuing instance's URL, so a context opens only with a stored key, only on the instance that issued it, and
/// only unmodified. One-time use is the store's job (``AttestationStore/consumeOnce(id:expiresAt:now:)``).
struct TPMServiceContext: Sendable, Equatable {
    static let version: UInt8 = 1
    static let challengeLength = 16
    static let contextIDLength = 16
    /// Clock skew tolerated when checking the validity window.
    static let allowedSkew: Int64 = 30
    /// Longest `service_context` text accepted (MAA's are about 300 characters).
    static let maximumEncodedLength = 4096
    private static let plaintextLength = 1 + challengeLength + 8 + 8 + contextIDLength

    var challenge: [UInt8]
    var issuedAt: Int64
    var expiresAt: Int64
    var contextID: [UInt8]

    /// A fresh context: random challenge and identifier, valid for `lifetime` seconds from `now`.
    static func fresh(now: Int64, lifetime: Int64) -> TPMServiceContext {
        TPMServiceContext(
            challenge: SecureRandom.bytes(challengeLength),
            issuedAt: now,
            expiresAt: now + lifetime,
            contextID: SecureRandom.bytes(contextIDLength)
        )
    }

    /// The `service_context` text, sealed with `key` for the instance at `instanceURL`.
    func sealed(with key: ServiceContextKeyRecord, instanceURL: String) throws -> String {
        var plaintext: [UInt8] = [Self.version]
        plaintext += challenge
        plaintext += Self.bigEndian(issuedAt)
        plaintext += Self.bigEndian(expiresAt)
        plaintext += contextID
        let box = try AES.GCM.seal(
            plaintext,
            using: SymmetricKey(data: key.key),
            authenticating: Self.associatedData(keyName: key.name, instanceURL: instanceURL)
        )
        guard let combined = box.combined else { throw ServiceError.storage("AES-GCM produced no combined box") }
        let outer = JSONValue.object(JSONObject([
            (key: "ProtectionKeyName", value: .string(key.name)),
            (key: "ProtectedContext", value: .string(Base64.urlEncoded(Array(combined)))),
        ]))
        return Base64.urlEncoded(outer.serializedBytes(.preservingOrder))
    }

    /// Opens a `service_context` text with one of `keys`, checking it was sealed for `instanceURL` and that `now`
    /// lies in its validity window. Every failure is the same `InvalidParameter` to the caller.
    static func open(
        _ text: String,
        keys: [ServiceContextKeyRecord],
        instanceURL: String,
        now: Int64
    ) throws(ServiceError) -> TPMServiceContext {
        let invalid = ServiceError.invalidParameter("invalid or expired service context")
        guard text.utf8.count <= maximumEncodedLength,
            let outerBytes = try? Base64.decode(text, alphabet: .url),
            let outer = try? JSONValue(parsing: outerBytes, options: JSONParsingOptions(maxDepth: 2, maxInputBytes: maximumEncodedLength)),
            let keyName = outer["ProtectionKeyName"]?.stringValue,
            let blobText = outer["ProtectedContext"]?.stringValue,
            let blob = try? Base64.decode(blobText, alphabet: .url),
            let key = keys.first(where: { $0.name == keyName }),
            let box = try? AES.GCM.SealedBox(combined: blob),
            let plaintext = try? AES.GCM.open(
                box, using: SymmetricKey(data: key.key),
                authenticating: associatedData(keyName: keyName, instanceURL: instanceURL)
            ),
            plaintext.count == plaintextLength,
            plaintext.first == version
        else { throw invalid }
        let bytes = Array(plaintext)
        var offset = 1
        let challenge = Array(bytes[offset..<offset + challengeLength])
        offset += challengeLength
        let issuedAt = readBigEndian(bytes, at: offset)
        offset += 8
        let expiresAt = readBigEndian(bytes, at: offset)
        offset += 8
        let contextID = Array(bytes[offset..<offset + contextIDLength])
        guard issuedAt - allowedSkew <= now, now <= expiresAt + allowedSkew else { throw invalid }
        return TPMServiceContext(challenge: challenge, issuedAt: issuedAt, expiresAt: expiresAt, contextID: contextID)
    }

    /// A new random key record; its name is the upper-case hex SHA-256 of a random key identifier.
    static func makeKey(now: Int64) -> ServiceContextKeyRecord {
        let name = Hex.encode(Array(SHA256.hash(data: SecureRandom.bytes(32)))).uppercased()
        return ServiceContextKeyRecord(name: name, key: SecureRandom.bytes(32), createdAt: now)
    }

    private static func associatedData(keyName: String, instanceURL: String) -> [UInt8] {
        Array("tpm-service-context/v1|\(instanceURL)|\(keyName)".utf8)
    }

    private static func bigEndian(_ value: Int64) -> [UInt8] {
        let raw = UInt64(bitPattern: value)
        return (0..<8).map { UInt8(truncatingIfNeeded: raw >> (56 - 8 * UInt64($0))) }
    }

    private static func readBigEndian(_ bytes: [UInt8], at offset: Int) -> Int64 {
        var raw: UInt64 = 0
        for byte in bytes[offset..<offset + 8] { raw = raw << 8 | UInt64(byte) }
        return Int64(bitPattern: raw)
    }
}
