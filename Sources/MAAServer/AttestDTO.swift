import MAAModels
import MAAService
import MAAWire

/// The JSON body of `POST /attest/SgxEnclave`, `/attest/OpenEnclave` (§3.1) and `/attest/TdxVm` (MAA's
/// AttestTdxVmRequest: `quote`, `runtimeData`, `initTimeData`, `nonce`; `draftPolicyForAttestation` is taken as for
/// SGX).
///
/// Read straight from MAAWire's strict parse of the body (one pass, no Foundation decoding on the hot path).
/// Unknown members are ignored and `null` counts as absent, as MAA and `JSONDecoder` do.
struct AttestEnclaveBody: Sendable {
    var quote: String?
    var report: String?
    var runtimeData: DataBody?
    var initTimeData: DataBody?
    var draftPolicyForAttestation: String?
    var nonce: String?

    struct DataBody: Sendable {
        var data: String?
        var dataType: String?
    }

    /// Parses and type-checks a request body.
    init(body: [UInt8]) throws(HTTPFailure) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: body, options: JSONParsingOptions(maxDepth: 16, maxInputBytes: body.count))
        } catch {
            throw .badRequest("the body is not valid JSON: \(error.reason)")
        }
        guard let object = value.objectValue else { throw .badRequest("the body must be a JSON object") }
        quote = try Self.string(object, "quote")
        report = try Self.string(object, "report")
        runtimeData = try Self.data(object, "runtimeData")
        initTimeData = try Self.data(object, "initTimeData")
        draftPolicyForAttestation = try Self.string(object, "draftPolicyForAttestation")
        nonce = try Self.string(object, "nonce")
    }

    private static func string(_ object: JSONObject, _ key: String, path: String? = nil) throws(HTTPFailure) -> String? {
        guard let member = object[key], !member.isNull else { return nil }
        guard let text = member.stringValue else { throw .badRequest("wrong JSON type at '\(path ?? key)'") }
        return text
    }

    private static func data(_ object: JSONObject, _ key: String) throws(HTTPFailure) -> DataBody? {
        guard let member = object[key], !member.isNull else { return nil }
        guard let inner = member.objectValue else { throw .badRequest("wrong JSON type at '\(key)'") }
        return DataBody(
            data: try string(inner, "data", path: "\(key).data"),
            dataType: try string(inner, "dataType", path: "\(key).dataType")
        )
    }

    /// The longest nonce echoed back.
    static let maximumNonceLength = 1024

    /// Checks the members and decodes them into a typed request.
    func request(type: AttestationType) throws(HTTPFailure) -> AttestationRequest {
        let evidenceText: String
        switch type {
        case .sgxEnclave, .tdxVm:
            guard report == nil else { throw .badRequest("'report' is for OpenEnclave; send 'quote'") }
            guard let quote else { throw .badRequest("missing member 'quote'") }
            evidenceText = quote
        case .openEnclave, .sevSnpVm:
            guard quote == nil else { throw .badRequest("'quote' is for SgxEnclave and TdxVm; send 'report'") }
            guard let report else { throw .badRequest("missing member 'report'") }
            evidenceText = report
        default:
            throw .badRequest("unsupported evidence type")
        }
        // SevSnpVm: MAA declares no base64url format for `report` and its own example mixes alphabets, so either
        // alphabet is accepted there (padding is optional everywhere).
        let alphabet: Base64.Alphabet = type == .sevSnpVm ? .either : .url
        let evidence = try Self.base64url(evidenceText, member: type == .openEnclave || type == .sevSnpVm ? "report" : "quote", alphabet: alphabet)
        guard !evidence.isEmpty else { throw .badRequest("the evidence is empty") }
        if let nonce, nonce.utf8.count > Self.maximumNonceLength {
            throw .badRequest("'nonce' is longer than \(Self.maximumNonceLength) bytes")
        }
        return AttestationRequest(
            type: type,
            evidence: evidence,
            runtimeData: try runtimeData.map { data throws(HTTPFailure) in try Self.bound(data, member: "runtimeData", alphabet: alphabet) },
            initTimeData: try initTimeData.map { data throws(HTTPFailure) in try Self.bound(data, member: "initTimeData", alphabet: alphabet) },
            draftPolicyForAttestation: draftPolicyForAttestation,
            nonce: nonce
        )
    }

    static func bound(_ body: DataBody, member: String, alphabet: Base64.Alphabet = .url) throws(HTTPFailure) -> BoundData {
        guard let data = body.data else { throw .badRequest("missing member '\(member).data'") }
        guard let typeName = body.dataType else { throw .badRequest("missing member '\(member).dataType'") }
        guard let dataType = BoundData.DataType(rawValue: typeName) else {
            throw .badRequest("'\(member).dataType' must be Binary or JSON")
        }
        return BoundData(bytes: try base64url(data, member: "\(member).data", alphabet: alphabet), encoded: data, dataType: dataType)
    }

    static func base64url(_ text: String, member: String, alphabet: Base64.Alphabet = .url) throws(HTTPFailure) -> [UInt8] {
        do {
            return try Base64.decode(text, alphabet: alphabet)
        } catch {
            throw .badRequest("'\(member)' is not valid base64url")
        }
    }
}
