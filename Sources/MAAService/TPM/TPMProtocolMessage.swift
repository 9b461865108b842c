import MAAWire

/// One message of the TPM attestation protocol, as carried (base64url-decoded) in `{"data": …}` of
/// `POST /attest/Tpm` (`../shared/docs/tpm-protocol.md` §2.1–§2.6).
///
/// Real traffic wraps every message as `{"payload": {…}}`; the documentation shows them bare. Both are accepted
/// and the answer uses the form of the question.
struct TPMProtocolMessage: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Round 1: `{"type": "aikcert"}`.
        case initial
        /// Round 2: `{"request": "<compact JWS>"}`.
        case request(String)
    }

    var kind: Kind
    /// Whether the message came wrapped in `payload`.
    var wrapped: Bool

    /// The largest message accepted (TCG logs of a real Windows boot run to a few hundred KiB).
    static let maximumLength = 4 << 20

    /// Parses a message; anything that is not a well-formed init or request message is `InvalidParameter`.
    init(bytes: [UInt8]) throws(ServiceError) {
        guard bytes.count <= Self.maximumLength else {
            throw .invalidParameter("the TPM protocol message is larger than \(Self.maximumLength) bytes")
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes, options: JSONParsingOptions(maxDepth: 16, maxInputBytes: Self.maximumLength))
        } catch {
            throw .invalidParameter("the TPM protocol message is not valid JSON: \(error.reason)")
        }
        guard var message = value.objectValue else {
            throw .invalidParameter("the TPM protocol message must be a JSON object")
        }
        wrapped = false
        if let inner = message["payload"]?.objectValue {
            message = inner
            wrapped = true
        }
        if let type = message["type"] {
            guard type.stringValue == "aikcert" else {
                throw .invalidParameter("unsupported TPM protocol message type (expected \"aikcert\")")
            }
            kind = .initial
        } else if let request = message["request"] {
            guard let jws = request.stringValue, !jws.isEmpty else {
                throw .invalidParameter("the TPM request message's \"request\" must be a compact JWS string")
            }
            kind = .request(jws)
        } else {
            throw .invalidParameter("unknown TPM protocol message (expected \"type\" or \"request\")")
        }
    }

    /// Serializes a service reply (`members`), wrapped in `payload` when the question was.
    static func reply(_ members: JSONObject, wrapped: Bool) -> [UInt8] {
        let body = JSONValue.object(members)
        return (wrapped ? JSONValue.object(["payload": body]) : body).serializedBytes(.maa)
    }
}
