public import MAAJOSE
public import MAAWire
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The claims of an MAA attestation token (wire contract §4.1), decoded into typed values.
///
/// Decoding checks the type of every known claim that is present; claims the service adds beyond these stay
/// readable through ``claims``.
public struct AttestationResult: Sendable {
    /// All claims, as received (built on first use when decoded from a token).
    public var claims: JSONObject { reader.object }
    private let reader: ClaimReader

    public let issuer: String?
    /// `jti`.
    public let tokenID: String?
    public let issuedAt: Date?
    public let expiration: Date?
    public let notBefore: Date?
    /// `x-ms-ver`.
    public let version: String?
    /// `x-ms-attestation-type` (`sgx` for both SGX and OpenEnclave evidence).
    public let attestationType: String?
    /// `x-ms-policy-hash`: SHA-256 of the base64url policy text.
    public let policyHash: [UInt8]?
    /// `x-ms-policy-signer`: the certificate that signed the instance policy, if it was signed.
    public let policySigner: JWK?
    /// `nonce`, echoed from the request.
    public let nonce: String?
    /// `x-ms-sgx-mrenclave` (32 bytes).
    public let sgxMrEnclave: [UInt8]?
    /// `x-ms-sgx-mrsigner` (32 bytes).
    public let sgxMrSigner: [UInt8]?
    /// `x-ms-sgx-product-id`.
    public let sgxProductID: Int64?
    /// `x-ms-sgx-svn`.
    public let sgxSVN: Int64?
    /// `x-ms-sgx-is-debuggable`: `true` means the enclave's memory can be read by a debugger.
    public let sgxIsDebuggable: Bool?
    /// `x-ms-sgx-report-data` (64 bytes).
    public let sgxReportData: [UInt8]?
    /// `x-ms-sgx-collateral`: SHA-256 hashes of the collateral used.
    public let sgxCollateral: SGXCollateralHashes?
    /// `x-ms-sgx-ehd`: the binary runtime data the enclave bound into its report.
    public let enclaveHeldData: [UInt8]?
    /// `x-ms-runtime`: the JSON runtime data, parsed.
    public let runtimeClaims: JSONObject?
    /// `x-ms-inittime`: the JSON init-time data, parsed.
    public let initTimeClaims: JSONObject?
    /// `cnf`: the proof-of-possession key (RFC 7800).
    public let confirmation: JSONObject?
    /// `x-ms-policy`: claims the policy issued into its own object (when it does).
    public let policyClaims: JSONObject?

    /// Decodes the claims of a token. The token should have been validated first.
    public init(token: AttestationToken) throws(JOSEError) {
        if let view = token.claimsView {
            try self.init(reader: .view(view))
        } else {
            try self.init(reader: .tree(JSONObject()))
        }
    }

    /// Decodes a claims object.
    public init(claims: JSONObject) throws(JOSEError) {
        try self.init(reader: .tree(claims))
    }

    private init(reader: ClaimReader) throws(JOSEError) {
        self.reader = reader
        issuer = try reader.string("iss")
        tokenID = try reader.string("jti")
        issuedAt = try reader.integer("iat").map { Date(timeIntervalSince1970: Double($0)) }
        expiration = try reader.integer("exp").map { Date(timeIntervalSince1970: Double($0)) }
        notBefore = try reader.integer("nbf").map { Date(timeIntervalSince1970: Double($0)) }
        version = try reader.string("x-ms-ver")
        attestationType = try reader.string("x-ms-attestation-type")
        policyHash = try reader.base64URL("x-ms-policy-hash")
        policySigner = try reader.jwk("x-ms-policy-signer")
        nonce = try reader.string("nonce")
        sgxMrEnclave = try reader.hex("x-ms-sgx-mrenclave")
        sgxMrSigner = try reader.hex("x-ms-sgx-mrsigner")
        sgxProductID = try reader.integer("x-ms-sgx-product-id")
        sgxSVN = try reader.integer("x-ms-sgx-svn")
        sgxIsDebuggable = try reader.bool("x-ms-sgx-is-debuggable")
        sgxReportData = try reader.hex("x-ms-sgx-report-data")
        sgxCollateral = try reader.nested("x-ms-sgx-collateral").map { nested throws(JOSEError) in
            try SGXCollateralHashes(reader: nested)
        }
        enclaveHeldData = try reader.base64URL("x-ms-sgx-ehd")
        runtimeClaims = try reader.object("x-ms-runtime")
        initTimeClaims = try reader.object("x-ms-inittime")
        confirmation = try reader.object("cnf")
        policyClaims = try reader.object("x-ms-policy")
    }
}

/// The `x-ms-sgx-collateral` claim: SHA-256 of each piece of collateral and of the submitted evidence.
public struct SGXCollateralHashes: Sendable, Hashable {
    public let qeIdentityCertificatesHash: [UInt8]
    public let qeIdentityCRLHash: [UInt8]
    public let qeIdentityHash: [UInt8]
    /// SHA-256 of the evidence as submitted (the whole OpenEnclave report for `/attest/OpenEnclave`).
    public let quoteHash: [UInt8]
    public let tcbInfoCertificatesHash: [UInt8]
    public let tcbInfoCRLHash: [UInt8]
    public let tcbInfoHash: [UInt8]

    public init(json: JSONObject) throws(JOSEError) {
        try self.init(reader: .tree(json))
    }

    init(reader: ClaimReader) throws(JOSEError) {
        func required(_ name: String) throws(JOSEError) -> [UInt8] {
            guard let value = try reader.hex(name), value.count == 32 else {
                throw JOSEError(.invalidClaim, "x-ms-sgx-collateral.\(name) is not a 32-byte hex hash")
            }
            return value
        }
        qeIdentityCertificatesHash = try required("qeidcertshash")
        qeIdentityCRLHash = try required("qeidcrlhash")
        qeIdentityHash = try required("qeidhash")
        quoteHash = try required("quotehash")
        tcbInfoCertificatesHash = try required("tcbinfocertshash")
        tcbInfoCRLHash = try required("tcbinfocrlhash")
        tcbInfoHash = try required("tcbinfohash")
    }

    public init(qeIdentityCertificatesHash: [UInt8], qeIdentityCRLHash: [UInt8], qeIdentityHash: [UInt8], quoteHash: [UInt8],
                tcbInfoCertificatesHash: [UInt8], tcbInfoCRLHash: [UInt8], tcbInfoHash: [UInt8]) {
        self.qeIdentityCertificatesHash = qeIdentityCertificatesHash
        self.qeIdentityCRLHash = qeIdentityCRLHash
        self.qeIdentityHash = qeIdentityHash
        self.quoteHash = quoteHash
        self.tcbInfoCertificatesHash = tcbInfoCertificatesHash
        self.tcbInfoCRLHash = tcbInfoCRLHash
        self.tcbInfoHash = tcbInfoHash
    }

    /// The claim's JSON form (lowercase hex members).
    public var json: JSONObject {
        [
            "qeidcertshash": .string(Hex.encode(qeIdentityCertificatesHash)),
            "qeidcrlhash": .string(Hex.encode(qeIdentityCRLHash)),
            "qeidhash": .string(Hex.encode(qeIdentityHash)),
            "quotehash": .string(Hex.encode(quoteHash)),
            "tcbinfocertshash": .string(Hex.encode(tcbInfoCertificatesHash)),
            "tcbinfocrlhash": .string(Hex.encode(tcbInfoCRLHash)),
            "tcbinfohash": .string(Hex.encode(tcbInfoHash)),
        ]
    }
}
