public import MAAModels

/// Data the caller binds to the evidence (`runtimeData` / `initTimeData`).
public struct BoundData: Sendable, Hashable {
    /// How the service interprets the bytes.
    public enum DataType: String, Sendable, Hashable {
        /// Opaque bytes, echoed as `x-ms-sgx-ehd` (base64url).
        case binary = "Binary"
        /// UTF-8 JSON, parsed and emitted as `x-ms-runtime` / `x-ms-inittime`.
        case json = "JSON"
    }

    /// The decoded bytes.
    public var bytes: [UInt8]
    /// The base64url text exactly as received (MAA echoes it unchanged).
    public var encoded: String
    public var dataType: DataType

    public init(bytes: [UInt8], encoded: String, dataType: DataType) {
        self.bytes = bytes
        self.encoded = encoded
        self.dataType = dataType
    }
}

/// A typed attestation request (SGX quote, OpenEnclave report, TDX quote), already decoded from the wire.
public struct AttestationRequest: Sendable, Hashable {
    public var type: AttestationType
    /// The raw evidence: the SGX or TDX quote (`quote`) or the OpenEnclave report (`report`).
    public var evidence: [UInt8]
    public var runtimeData: BoundData?
    public var initTimeData: BoundData?
    /// Policy text to evaluate instead of the instance policy; the result token is then unsecured.
    public var draftPolicyForAttestation: String?
    /// Echoed as the `nonce` claim.
    public var nonce: String?

    public init(
        type: AttestationType,
        evidence: [UInt8],
        runtimeData: BoundData? = nil,
        initTimeData: BoundData? = nil,
        draftPolicyForAttestation: String? = nil,
        nonce: String? = nil
    ) {
        self.type = type
        self.evidence = evidence
        self.runtimeData = runtimeData
        self.initTimeData = initTimeData
        self.draftPolicyForAttestation = draftPolicyForAttestation
        self.nonce = nonce
    }
}
