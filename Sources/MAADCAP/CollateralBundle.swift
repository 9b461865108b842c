import MAAWire

/// Raw DCAP collateral in dcap-qvl's `QuoteCollateralV3` JSON shape (the format of `../shared/evidence/`):
/// PEM issuer chains, hex DER CRLs, and the **exact bytes** of the signed `tcbInfo` / `enclaveIdentity` JSON
/// bodies with their raw r‖s signatures in hex.
public struct CollateralBundle: Sendable, Hashable {
    public var pckCRLIssuerChain: String
    /// Root CA CRL, DER.
    public var rootCACRL: [UInt8]
    /// PCK CRL, DER.
    public var pckCRL: [UInt8]
    public var tcbInfoIssuerChain: String
    /// The exact signed `tcbInfo` bytes.
    public var tcbInfo: [UInt8]
    /// Raw r‖s, 64 bytes.
    public var tcbInfoSignature: [UInt8]
    public var qeIdentityIssuerChain: String
    /// The exact signed `enclaveIdentity` bytes.
    public var qeIdentity: [UInt8]
    /// Raw r‖s, 64 bytes.
    public var qeIdentitySignature: [UInt8]
    /// Optional PCK chain (PEM) for quotes whose certification data does not embed one.
    public var pckCertificateChain: String?

    public init(
        pckCRLIssuerChain: String, rootCACRL: [UInt8], pckCRL: [UInt8], tcbInfoIssuerChain: String, tcbInfo: [UInt8],
        tcbInfoSignature: [UInt8], qeIdentityIssuerChain: String, qeIdentity: [UInt8], qeIdentitySignature: [UInt8],
        pckCertificateChain: String? = nil
    ) {
        self.pckCRLIssuerChain = pckCRLIssuerChain
        self.rootCACRL = rootCACRL
        self.pckCRL = pckCRL
        self.tcbInfoIssuerChain = tcbInfoIssuerChain
        self.tcbInfo = tcbInfo
        self.tcbInfoSignature = tcbInfoSignature
        self.qeIdentityIssuerChain = qeIdentityIssuerChain
        self.qeIdentity = qeIdentity
        self.qeIdentitySignature = qeIdentitySignature
        self.pckCertificateChain = pckCertificateChain
    }

    /// Parses the `QuoteCollateralV3` JSON (strict: duplicate keys and wrong types are rejected; unknown keys
    /// are ignored).
    public init(jsonBytes: some Collection<UInt8>) throws(DCAPError) {
        let bytes = Array(jsonBytes)
        if bytes.count <= 4 << 20, let members = FlatJSONObject.parse(bytes) {
            try self.init(members: members)
        } else {
            try self.init(general: bytes)
        }
    }

    /// The general path: MAAWire's strict parser.
    init(general jsonBytes: [UInt8]) throws(DCAPError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: jsonBytes, options: JSONParsingOptions(maxDepth: 4, maxInputBytes: 4 << 20))
        } catch {
            throw DCAPError(.collateralMalformed(.bundle), "invalid JSON: \(error)")
        }
        guard let object = value.objectValue else { throw DCAPError(.collateralMalformed(.bundle), "not an object") }
        func string(_ key: String) throws(DCAPError) -> String {
            guard let text = object[key]?.stringValue else {
                throw DCAPError(.collateralMalformed(.bundle), "\(key) missing or not a string")
            }
            return text
        }
        func hex(_ key: String, _ code: DCAPError.Code, count: Int? = nil) throws(DCAPError) -> [UInt8] {
            guard let bytes = try? Hex.decode(try string(key)), !bytes.isEmpty, count.map({ $0 == bytes.count }) ?? true else {
                throw DCAPError(code, "\(key) is not valid hex\(count.map { " of \($0) bytes" } ?? "")")
            }
            return bytes
        }
        self.pckCRLIssuerChain = try string("pck_crl_issuer_chain")
        self.rootCACRL = try hex("root_ca_crl", .crlMalformed(.root))
        self.pckCRL = try hex("pck_crl", .crlMalformed(.pck))
        self.tcbInfoIssuerChain = try string("tcb_info_issuer_chain")
        self.tcbInfo = Array(try string("tcb_info").utf8)
        self.tcbInfoSignature = try hex("tcb_info_signature", .collateralSignatureInvalid(.tcbInfo), count: 64)
        self.qeIdentityIssuerChain = try string("qe_identity_issuer_chain")
        self.qeIdentity = Array(try string("qe_identity").utf8)
        self.qeIdentitySignature = try hex("qe_identity_signature", .collateralSignatureInvalid(.qeIdentity), count: 64)
        if let chain = object["pck_certificate_chain"] {
            guard let text = chain.stringValue else { throw DCAPError(.collateralMalformed(.bundle), "pck_certificate_chain") }
            self.pckCertificateChain = text
        } else {
            self.pckCertificateChain = nil
        }
    }

    /// The fast path: members of a flat all-string object, decoded to bytes.
    private init(members: [(key: [UInt8], value: [UInt8])]) throws(DCAPError) {
        func value(_ key: String) -> [UInt8]? {
            let k = Array(key.utf8)
            return members.first { $0.key == k }?.value
        }
        func text(_ key: String) throws(DCAPError) -> String {
            guard let bytes = value(key) else { throw DCAPError(.collateralMalformed(.bundle), "\(key) missing or not a string") }
            return String(decoding: bytes, as: UTF8.self)  // ASCII only, checked by the fast path
        }
        func hex(_ key: String, _ code: DCAPError.Code, count: Int? = nil) throws(DCAPError) -> [UInt8] {
            guard let digits = value(key), let bytes = try? Hex.decode(String(decoding: digits, as: UTF8.self)), !bytes.isEmpty,
                count.map({ $0 == bytes.count }) ?? true
            else { throw DCAPError(code, "\(key) is not valid hex\(count.map { " of \($0) bytes" } ?? "")") }
            return bytes
        }
        func body(_ key: String) throws(DCAPError) -> [UInt8] {
            guard let bytes = value(key) else { throw DCAPError(.collateralMalformed(.bundle), "\(key) missing or not a string") }
            return bytes
        }
        self.pckCRLIssuerChain = try text("pck_crl_issuer_chain")
        self.rootCACRL = try hex("root_ca_crl", .crlMalformed(.root))
        self.pckCRL = try hex("pck_crl", .crlMalformed(.pck))
        self.tcbInfoIssuerChain = try text("tcb_info_issuer_chain")
        self.tcbInfo = try body("tcb_info")
        self.tcbInfoSignature = try hex("tcb_info_signature", .collateralSignatureInvalid(.tcbInfo), count: 64)
        self.qeIdentityIssuerChain = try text("qe_identity_issuer_chain")
        self.qeIdentity = try body("qe_identity")
        self.qeIdentitySignature = try hex("qe_identity_signature", .collateralSignatureInvalid(.qeIdentity), count: 64)
        self.pckCertificateChain = value("pck_certificate_chain").map { String(decoding: $0, as: UTF8.self) }
    }

    /// The `QuoteCollateralV3` JSON of this bundle (member order as dcap-qvl writes it).
    public func jsonBytes() -> [UInt8] {
        var members: [(key: String, value: JSONValue)] = [
            ("pck_crl_issuer_chain", .string(pckCRLIssuerChain)),
            ("root_ca_crl", .string(Hex.encode(rootCACRL))),
            ("pck_crl", .string(Hex.encode(pckCRL))),
            ("tcb_info_issuer_chain", .string(tcbInfoIssuerChain)),
            ("tcb_info", .string(String(decoding: tcbInfo, as: UTF8.self))),
            ("tcb_info_signature", .string(Hex.encode(tcbInfoSignature))),
            ("qe_identity_issuer_chain", .string(qeIdentityIssuerChain)),
            ("qe_identity", .string(String(decoding: qeIdentity, as: UTF8.self))),
            ("qe_identity_signature", .string(Hex.encode(qeIdentitySignature))),
        ]
        if let pckCertificateChain { members.append(("pck_certificate_chain", .string(pckCertificateChain))) }
        return JSONValue.object(JSONObject(members)).serializedBytes(.preservingOrder)
    }
}
