import Crypto
import Foundation
import MAAWire
import _CryptoExtras

/// A test AMD SEV-SNP PKI built in code: its own ARK and ASK (RSA, RSASSA-PSS/SHA-384 signatures), a P-384 VCEK,
/// certificates in AMD's profile written with a small DER writer, CRLs, and signed attestation reports. Tests
/// inject ``arkSPKISHA256`` as the pinned root for the product.
///
/// Keys are RSA-2048 (AMD uses 4096) to keep key generation fast; nothing in the verifier depends on the size.
public struct SevSnpTestPKI {
    /// One certificate extension.
    public struct Extension: Sendable {
        public var oid: String
        public var critical: Bool
        public var value: [UInt8]

        public init(oid: String, critical: Bool = false, value: [UInt8]) {
            self.oid = oid
            self.critical = critical
            self.value = value
        }
    }

    /// RSASSA-PSS AlgorithmIdentifier parameters.
    public struct PSS: Sendable {
        public var hashOID: String
        public var saltLength: Int

        public init(hashOID: String = "2.16.840.1.101.3.4.2.2", saltLength: Int = 48) {
            self.hashOID = hashOID
            self.saltLength = saltLength
        }

        /// AMD's: SHA-384, MGF1-SHA-384, salt 48, trailer 1.
        public static let amd = PSS()
    }

    public let product: String
    public let arkKey: _RSA.Signing.PrivateKey
    public let askKey: _RSA.Signing.PrivateKey
    public let vcekKey: P384.Signing.PrivateKey
    public var ark: [UInt8]
    public var ask: [UInt8]
    public var vcek: [UInt8]

    /// SHA-256 of the ARK's SubjectPublicKeyInfo: the pin to inject.
    public var arkSPKISHA256: [UInt8] { Array(SHA256.hash(data: arkKey.publicKey.derRepresentation)) }
    /// The DER certificates, leaf first.
    public var chain: [[UInt8]] { [vcek, ask, ark] }

    /// Certificates valid from 2020 to 2045 (the VCEK 2023–2030, like the Milan evidence).
    public static let notBefore = Date(timeIntervalSince1970: 1_577_836_800)  // 2020-01-01
    public static let notAfter = Date(timeIntervalSince1970: 2_366_841_600)  // 2045-01-01
    public static let vcekNotBefore = Date(timeIntervalSince1970: 1_680_549_823)  // 2023-04-03T19:23:43Z
    public static let vcekNotAfter = Date(timeIntervalSince1970: 1_901_474_623)  // 2030-04-03T19:23:43Z

    /// Shared RSA keys (generated once per process: RSA key generation is slow in debug builds).
    private static let sharedKeys: (ark: _RSA.Signing.PrivateKey, ask: _RSA.Signing.PrivateKey)? = {
        guard let ark = try? _RSA.Signing.PrivateKey(keySize: .bits2048),
            let ask = try? _RSA.Signing.PrivateKey(keySize: .bits2048)
        else { return nil }
        return (ark, ask)
    }()

    /// A Milan/Genoa/Turin test PKI whose VCEK carries `vcekExtensions` (default: Milan-B0, TCB bl 3, tee 0, snp 8,
    /// ucode 115, the given hwID).
    public init(product: String = "Milan", vcekExtensions: [Extension]? = nil, hardwareID: [UInt8] = SevSnpTestPKI.chipID)
        throws
    {
        guard let keys = Self.sharedKeys else { throw SevSnpTestPKIError() }
        self.product = product
        arkKey = keys.ark
        askKey = keys.ask
        vcekKey = P384.Signing.PrivateKey()
        ark = try Self.certificate(
            serial: [0x01, 0x00, 0x00], issuer: Self.amdName("ARK-\(product)"), subject: Self.amdName("ARK-\(product)"),
            spki: Array(keys.ark.publicKey.derRepresentation),
            extensions: [Self.keyUsage(certSign: true, crlSign: true), Self.basicConstraints(ca: true, pathLength: nil)],
            signer: keys.ark
        )
        ask = try Self.certificate(
            serial: [0x01, 0x00, 0x01], issuer: Self.amdName("ARK-\(product)"), subject: Self.amdName("SEV-\(product)"),
            spki: Array(keys.ask.publicKey.derRepresentation),
            extensions: [Self.basicConstraints(ca: true, pathLength: 0), Self.keyUsage(certSign: true, crlSign: false)],
            signer: keys.ark
        )
        vcek = []
        vcek = try makeVCEK(extensions: vcekExtensions ?? Self.vcekExtensions(hardwareID: hardwareID))
    }

    /// A VCEK for this PKI's key, signed by its ASK.
    public func makeVCEK(
        extensions: [Extension], pss: PSS = .amd, notBefore: Date = vcekNotBefore, notAfter: Date = vcekNotAfter
    ) throws -> [UInt8] {
        try Self.certificate(
            serial: [0x00], issuer: Self.amdName("SEV-\(product)"), subject: Self.amdName("SEV-VCEK"),
            spki: Array(vcekKey.publicKey.derRepresentation), extensions: extensions, signer: askKey, pss: pss,
            notBefore: notBefore, notAfter: notAfter
        )
    }

    /// The chip ID of test reports (64 bytes, 0x11…).
    public static let chipID = [UInt8](repeating: 0x11, count: 64)

    /// The AMD extensions of a VCEK.
    public static func vcekExtensions(
        productName: String = "Milan-B0", bootLoader: Int = 3, tee: Int = 0, snp: Int = 8, microcode: Int = 115,
        fmc: Int? = nil, hardwareID: [UInt8] = chipID
    ) -> [Extension] {
        var list = [
            Extension(oid: "1.3.6.1.4.1.3704.1.1", value: integer(0)),
            Extension(oid: "1.3.6.1.4.1.3704.1.2", value: tlv(0x16, Array(productName.utf8))),
            Extension(oid: "1.3.6.1.4.1.3704.1.3.1", value: integer(bootLoader)),
            Extension(oid: "1.3.6.1.4.1.3704.1.3.2", value: integer(tee)),
            Extension(oid: "1.3.6.1.4.1.3704.1.3.3", value: integer(snp)),
            Extension(oid: "1.3.6.1.4.1.3704.1.3.8", value: integer(microcode)),
            Extension(oid: "1.3.6.1.4.1.3704.1.4", value: hardwareID),
        ]
        if let fmc { list.append(Extension(oid: "1.3.6.1.4.1.3704.1.3.9", value: integer(fmc))) }
        return list
    }

    // MARK: Certificates and CRLs

    /// A DER certificate in AMD's profile (v3, RSASSA-PSS), signed by `signer`.
    public static func certificate(
        serial: [UInt8], issuer: [UInt8], subject: [UInt8], spki: [UInt8], extensions: [Extension],
        signer: _RSA.Signing.PrivateKey, pss: PSS = .amd, notBefore: Date = notBefore, notAfter: Date = notAfter
    ) throws -> [UInt8] {
        var tbs: [UInt8] = []
        tbs += tlv(0xA0, integer(2))
        tbs += tlv(0x02, serial)
        tbs += pssAlgorithm(pss)
        tbs += issuer
        tbs += sequence(time(notBefore) + time(notAfter))
        tbs += subject
        tbs += spki
        if !extensions.isEmpty {
            let encoded = extensions.flatMap { ext in
                sequence(oid(ext.oid) + (ext.critical ? [0x01, 0x01, 0xFF] : []) + tlv(0x04, ext.value))
            }
            tbs += tlv(0xA3, sequence(encoded))
        }
        let tbsDER = sequence(tbs)
        let signature = try signer.signature(for: SHA384.hash(data: tbsDER), padding: .PSS)
        return sequence(tbsDER + pssAlgorithm(pss) + tlv(0x03, [0] + Array(signature.rawRepresentation)))
    }

    /// A DER CRL issued by `issuer`, signed by `signer` with AMD's PSS profile.
    public static func crl(
        issuer: [UInt8], signer: _RSA.Signing.PrivateKey, thisUpdate: Date, nextUpdate: Date, revoked: [[UInt8]] = []
    ) throws -> [UInt8] {
        var tbs = integer(1) + pssAlgorithm(.amd) + issuer + time(thisUpdate) + time(nextUpdate)
        if !revoked.isEmpty {
            tbs += sequence(revoked.flatMap { sequence(tlv(0x02, $0) + time(thisUpdate)) })
        }
        let tbsDER = sequence(tbs)
        let signature = try signer.signature(for: SHA384.hash(data: tbsDER), padding: .PSS)
        return sequence(tbsDER + pssAlgorithm(.amd) + tlv(0x03, [0] + Array(signature.rawRepresentation)))
    }

    /// An AMD name: OU, C, L, ST, O, CN as AMD orders them.
    public static func amdName(_ commonName: String) -> [UInt8] {
        let attributes: [(String, String)] = [
            ("2.5.4.11", "Engineering"), ("2.5.4.6", "US"), ("2.5.4.7", "Santa Clara"), ("2.5.4.8", "CA"),
            ("2.5.4.10", "Advanced Micro Devices"), ("2.5.4.3", commonName),
        ]
        return sequence(attributes.flatMap { type, value in tlv(0x31, sequence(oid(type) + tlv(0x0C, Array(value.utf8)))) })
    }

    public static func basicConstraints(ca: Bool, pathLength: Int?) -> Extension {
        var content: [UInt8] = ca ? [0x01, 0x01, 0xFF] : []
        if let pathLength { content += integer(pathLength) }
        return Extension(oid: "2.5.29.19", critical: true, value: sequence(content))
    }

    public static func keyUsage(certSign: Bool, crlSign: Bool) -> Extension {
        let bits: UInt8 = (certSign ? 0x04 : 0) | (crlSign ? 0x02 : 0)
        return Extension(oid: "2.5.29.15", critical: true, value: tlv(0x03, [0x01, bits]))
    }

    // MARK: Reports

    /// A signed report: `body` (1184 bytes, the signature area is overwritten) signed with `key`.
    public static func signReport(_ body: [UInt8], with key: P384.Signing.PrivateKey) throws -> [UInt8] {
        var report = body
        let signature = try key.signature(for: SHA384.hash(data: report[0..<0x2A0]))
        let raw = Array(signature.rawRepresentation)
        for index in 0x2A0..<0x4A0 { report[index] = 0 }
        for index in 0..<48 {
            report[0x2A0 + index] = raw[47 - index]
            report[0x2E8 + index] = raw[95 - index]
        }
        return report
    }

    /// An unsigned version 3 Milan report body: policy 0x30000, VCEK signer, all four TCBs bl 3 / snp 8 /
    /// ucode 115, CPUID family 0x19 model 0x01, `chipID`, REPORT_ID_MA all FF.
    public static func reportBody(
        version: UInt32 = 3, policy: UInt64 = 0x30000, vmpl: UInt32 = 0, reportData: [UInt8] = [UInt8](repeating: 0, count: 64),
        hostData: [UInt8] = [UInt8](repeating: 0, count: 32), tcb: UInt64 = 0x7308_0000_0000_0003,
        reportedTCB: UInt64? = nil, chipID: [UInt8] = chipID, family: UInt8 = 0x19, model: UInt8 = 0x01
    ) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 0x4A0)
        func put(_ value: UInt64, _ offset: Int, _ size: Int) {
            for index in 0..<size { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
        }
        func put(_ data: [UInt8], _ offset: Int) {
            for (index, byte) in data.enumerated() { bytes[offset + index] = byte }
        }
        put(UInt64(version), 0x000, 4)
        put(policy, 0x008, 8)
        put(UInt64(vmpl), 0x030, 4)
        put(1, 0x034, 4)
        put(tcb, 0x038, 8)
        put(0x1, 0x040, 8)
        put(reportData, 0x050)
        put([UInt8](repeating: 0xAB, count: 48), 0x090)
        put(hostData, 0x0C0)
        put([UInt8](repeating: 0x5A, count: 32), 0x140)
        put([UInt8](repeating: 0xFF, count: 32), 0x160)
        put(reportedTCB ?? tcb, 0x180, 8)
        if version >= 3 {
            bytes[0x188] = family
            bytes[0x189] = model
            bytes[0x18A] = 1
        }
        put(chipID, 0x1A0)
        put(tcb, 0x1E0, 8)
        put([4, 52, 1], 0x1E8)
        put([4, 52, 1], 0x1EC)
        put(tcb, 0x1F0, 8)
        return bytes
    }

    // MARK: Evidence documents

    /// MAA's SevSnpVm `report` document: `{"SnpReport": b64url, "VcekCertChain": b64url(PEM)}`.
    public static func evidenceDocument(report: [UInt8], certificates: [[UInt8]]) -> [UInt8] {
        let pem = certificates.map { der in
            "-----BEGIN CERTIFICATE-----\n" + Base64.standardEncoded(der) + "\n-----END CERTIFICATE-----\n"
        }.joined()
        let text = #"{"SnpReport":""# + Base64.urlEncoded(report) + #"","VcekCertChain":""#
            + Base64.urlEncoded(Array(pem.utf8)) + #""}"#
        return Array(text.utf8)
    }

    /// The virtee/sev Milan evidence (report v2, VCEK, ASK, ARK) as MAA's document.
    public static func milanEvidenceDocument() throws -> [UInt8] {
        evidenceDocument(report: try milanReport(), certificates: try milanChain())
    }

    /// The virtee/sev Milan report (1184 bytes).
    public static func milanReport() throws -> [UInt8] {
        let text = try SharedData.text("evidence/sev-snp/virtee-sev/report_milan.hex").filter { !$0.isWhitespace }
        return try Hex.decode(text)
    }

    /// VCEK, ASK and ARK (DER) of the Milan report.
    public static func milanChain() throws -> [[UInt8]] {
        [try SharedData.bytes("evidence/sev-snp/virtee-sev/vcek_milan.der")]
            + (try PEMBlocks.der(try SharedData.text("evidence/sev-snp/virtee-sev/cert_chain_milan")))
    }

    /// The verification time of the Milan evidence (2023-04-04T19:23:43Z).
    public static let milanVerifyTime: Int64 = 1_680_636_223

    // MARK: DER writing

    public static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        let count = content.count
        var header: [UInt8] = [tag]
        if count < 0x80 {
            header.append(UInt8(count))
        } else if count <= 0xFF {
            header += [0x81, UInt8(count)]
        } else {
            header += [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
        }
        return header + content
    }

    public static func sequence(_ content: [UInt8]) -> [UInt8] { tlv(0x30, content) }

    /// A DER INTEGER for a small non-negative value.
    public static func integer(_ value: Int) -> [UInt8] {
        var content: [UInt8] = []
        var remaining = value
        repeat {
            content.insert(UInt8(remaining & 0xFF), at: 0)
            remaining >>= 8
        } while remaining > 0
        if let first = content.first, first & 0x80 != 0 { content.insert(0, at: 0) }
        return tlv(0x02, content)
    }

    public static func oid(_ dotted: String) -> [UInt8] {
        let arcs = dotted.split(separator: ".").compactMap { Int($0) }
        var content: [UInt8] = []
        guard arcs.count >= 2 else { return tlv(0x06, content) }
        for (index, arc) in ([arcs[0] * 40 + arcs[1]] + arcs.dropFirst(2)).enumerated() {
            _ = index
            var chunk: [UInt8] = [UInt8(arc & 0x7F)]
            var remaining = arc >> 7
            while remaining > 0 {
                chunk.insert(UInt8(remaining & 0x7F) | 0x80, at: 0)
                remaining >>= 7
            }
            content += chunk
        }
        return tlv(0x06, content)
    }

    static func pssAlgorithm(_ pss: PSS) -> [UInt8] {
        let hash = sequence(oid(pss.hashOID) + [0x05, 0x00])
        let parameters = tlv(0xA0, hash)
            + tlv(0xA1, sequence(oid("1.2.840.113549.1.1.8") + hash))
            + tlv(0xA2, integer(pss.saltLength))
            + tlv(0xA3, integer(1))
        return sequence(oid("1.2.840.113549.1.1.10") + sequence(parameters))
    }

    /// UTCTime before 2050, GeneralizedTime from 2050.
    static func time(_ date: Date) -> [UInt8] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let year = c.year ?? 1970
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let rest = two(c.month) + two(c.day) + two(c.hour) + two(c.minute) + two(c.second) + "Z"
        if year < 2050 { return tlv(0x17, Array((two(year % 100) + rest).utf8)) }
        return tlv(0x18, Array((String(year) + rest).utf8))
    }
}

/// The test PKI could not generate its keys.
public struct SevSnpTestPKIError: Error {}

/// Minimal PEM splitting for test data (the verifier itself uses MAAPKI's strict reader).
enum PEMBlocks {
    static func der(_ text: String) throws -> [[UInt8]] {
        var blocks: [[UInt8]] = []
        var body = ""
        var inside = false
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("-----BEGIN") { inside = true; body = ""; continue }
            if line.hasPrefix("-----END") { inside = false; blocks.append(try Base64.decode(body, alphabet: .standard)); continue }
            if inside { body += line.trimmingCharacters(in: .whitespaces) }
        }
        return blocks
    }
}
