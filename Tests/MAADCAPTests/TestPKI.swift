import Crypto
import Foundation
import MAATesting
import MAAWire
import SwiftASN1
import X509

@testable import MAADCAP

/// Minimal DER writing for test inputs (including deliberately malformed ones).
enum DERW {
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var out = [tag]
        let n = content.count
        if n < 0x80 {
            out.append(UInt8(n))
        } else if n < 0x100 {
            out += [0x81, UInt8(n)]
        } else {
            out += [0x82, UInt8(n >> 8), UInt8(n & 0xFF)]
        }
        return out + content
    }
    static func seq(_ parts: [[UInt8]]) -> [UInt8] { tlv(0x30, parts.flatMap { $0 }) }
    static func oid(_ arcs: [UInt]) -> [UInt8] {
        var body: [UInt8] = [UInt8(arcs[0] * 40 + arcs[1])]
        for arc in arcs.dropFirst(2) {
            var chunk: [UInt8] = [UInt8(arc & 0x7F)]
            var v = arc >> 7
            while v > 0 { chunk.insert(UInt8(v & 0x7F) | 0x80, at: 0); v >>= 7 }
            body += chunk
        }
        return tlv(0x06, body)
    }
    static func int(_ value: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var v = value
        repeat { bytes.insert(UInt8(v & 0xFF), at: 0); v >>= 8 } while v > 0
        if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return tlv(0x02, bytes)
    }
    static func octets(_ bytes: [UInt8]) -> [UInt8] { tlv(0x04, bytes) }
    static func time(_ date: Date) -> [UInt8] {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMddHHmmss'Z'"
        return tlv(0x18, Array(f.string(from: date).utf8))
    }
}

/// The SGX extension of a PCK certificate, built field by field so tests can break it.
struct SGXExtensionSpec {
    static let base: [UInt] = [1, 2, 840, 113741, 1, 13, 1]
    var ppid = [UInt8](repeating: 0x11, count: 16)
    var components: [Int]
    var pceSVN: Int
    var cpuSVN: [UInt8]
    var pceID: [UInt8]
    var fmspc: [UInt8]
    var sgxType = 0
    var platform = false
    var extraTCBEntry = false
    var duplicateComponent5 = false
    var dropFMSPC = false
    var extraOuterEntry = false

    init(from ext: PCKExtension) {
        components = ext.components.map(Int.init)
        pceSVN = Int(ext.pceSVN)
        cpuSVN = ext.cpuSVN
        pceID = ext.pceID
        fmspc = ext.fmspc
        sgxType = ext.sgxType
        ppid = ext.ppid
        platform = ext.caKind == .platform
    }

    func pair(_ arcs: [UInt], _ value: [UInt8]) -> [UInt8] { DERW.seq([DERW.oid(arcs), value]) }

    var der: [UInt8] {
        var tcb: [[UInt8]] = []
        for (index, svn) in components.enumerated() { tcb.append(pair(Self.base + [2, UInt(index + 1)], DERW.int(svn))) }
        if duplicateComponent5 { tcb[5] = pair(Self.base + [2, 5], DERW.int(components[4])) }
        tcb.append(pair(Self.base + [2, 17], DERW.int(pceSVN)))
        tcb.append(pair(Self.base + [2, 18], DERW.octets(cpuSVN)))
        if extraTCBEntry { tcb.append(pair(Self.base + [2, 19], DERW.int(0))) }
        var outer: [[UInt8]] = [
            pair(Self.base + [1], DERW.octets(ppid)),
            pair(Self.base + [2], DERW.seq(tcb)),
            pair(Self.base + [3], DERW.octets(pceID)),
        ]
        if !dropFMSPC { outer.append(pair(Self.base + [4], DERW.octets(fmspc))) }
        outer.append(pair(Self.base + [5], DERW.tlv(0x0A, [UInt8(sgxType)])))
        if platform {
            outer.append(pair(Self.base + [6], DERW.octets([UInt8](repeating: 0x22, count: 16))))
            outer.append(pair(Self.base + [7], DERW.seq([pair(Self.base + [7, 1], DERW.tlv(0x01, [0x00]))])))
        }
        if extraOuterEntry { outer.append(pair(Self.base + [4], DERW.octets(fmspc))) }
        return DERW.seq(outer)
    }
}

/// A private Intel-shaped PKI: root, PCK CA, PCK leaf and TCB Signing certificates with test keys, plus
/// re-signing of quotes and collateral. Pinned through ``TrustAnchor`` in tests only.
struct TestPKI {
    static let notBefore = Date(timeIntervalSince1970: 946_684_800)  // 2000
    static let notAfter = Date(timeIntervalSince1970: 4_102_444_800)  // 2100

    let rootKey = P256.Signing.PrivateKey()
    let caKey = P256.Signing.PrivateKey()
    let pckKey = P256.Signing.PrivateKey()
    let tcbKey = P256.Signing.PrivateKey()
    var anchor: TrustAnchor { TrustAnchor(rootKey: rootKey.publicKey) }

    let root: Certificate
    let ca: Certificate
    let tcbSigning: Certificate
    var caKind: PCKExtension.CAKind

    static let caSerial: [UInt8] = [0x0C, 0xA0]
    static let pckSerial: [UInt8] = [0x0B, 0xCC]
    static let tcbSerial: [UInt8] = [0x07, 0xCB]

    init(caKind: PCKExtension.CAKind = .processor) throws {
        self.caKind = caKind
        root = try Self.cert(
            serial: [0x01], key: rootKey.publicKey, subject: IntelPKI.rootName, issuer: IntelPKI.rootName,
            issuerKey: rootKey, ca: 1, issuerPublic: rootKey.publicKey)
        ca = try Self.cert(
            serial: Self.caSerial, key: caKey.publicKey,
            subject: caKind == .processor ? IntelPKI.processorCAName : IntelPKI.platformCAName,
            issuer: IntelPKI.rootName, issuerKey: rootKey, ca: 0, issuerPublic: rootKey.publicKey)
        tcbSigning = try Self.cert(
            serial: Self.tcbSerial, key: tcbKey.publicKey, subject: IntelPKI.tcbSigningName, issuer: IntelPKI.rootName,
            issuerKey: rootKey, ca: nil, issuerPublic: rootKey.publicKey)
    }

    static func ski(_ key: P256.Signing.PublicKey) -> ArraySlice<UInt8> {
        Array(SHA256.hash(data: key.rawRepresentation)).prefix(20)
    }

    static func cert(
        serial: [UInt8], key: P256.Signing.PublicKey, subject: DistinguishedName, issuer: DistinguishedName,
        issuerKey: P256.Signing.PrivateKey, ca: Int?, issuerPublic: P256.Signing.PublicKey,
        extra: Certificate.Extension? = nil, aki: ArraySlice<UInt8>? = nil, notAfter: Date = notAfter
    ) throws -> Certificate {
        var extensions = Certificate.Extensions()
        if let ca {
            try extensions.append(Certificate.Extension(BasicConstraints.isCertificateAuthority(maxPathLength: ca), critical: true))
            try extensions.append(Certificate.Extension(KeyUsage(keyCertSign: true, cRLSign: true), critical: true))
        } else {
            try extensions.append(Certificate.Extension(BasicConstraints.notCertificateAuthority, critical: true))
            try extensions.append(Certificate.Extension(KeyUsage(digitalSignature: true, nonRepudiation: true), critical: true))
        }
        try extensions.append(Certificate.Extension(SubjectKeyIdentifier(keyIdentifier: ski(key)), critical: false))
        try extensions.append(
            Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: aki ?? ski(issuerPublic)), critical: false))
        if let extra { try extensions.append(extra) }
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: serial), publicKey: .init(key),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: issuer, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: .init(issuerKey))
    }

    func pckLeaf(_ spec: SGXExtensionSpec, notAfter: Date = notAfter, ca: Int? = nil) throws -> Certificate {
        try Self.cert(
            serial: Self.pckSerial, key: pckKey.publicKey, subject: IntelPKI.pckName, issuer: self.ca.subject,
            issuerKey: caKey, ca: ca, issuerPublic: caKey.publicKey,
            extra: Certificate.Extension(oid: PCKExtension.oid, critical: false, value: spec.der[...]), notAfter: notAfter)
    }

    static func pem(_ certs: [Certificate]) throws -> String {
        var out = ""
        for cert in certs {
            var serializer = DER.Serializer()
            try serializer.serialize(cert)
            let b64 = Base64.standardEncoded(serializer.serializedBytes)
            var lines: [String] = []
            var index = b64.startIndex
            while index < b64.endIndex {
                let end = b64.index(index, offsetBy: 64, limitedBy: b64.endIndex) ?? b64.endIndex
                lines.append(String(b64[index..<end]))
                index = end
            }
            out += "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
        }
        return out
    }

    // MARK: Quotes

    /// Rebuilds `quote` under this PKI: new attestation key, QE report data re-bound, QE report re-signed by the
    /// test PCK key, certification data replaced by `chainPEM` (type `certType`). `mutateBody` edits the signed
    /// region, `mutateQEReport` the QE report before signing.
    func resign(
        _ original: [UInt8], chainPEM: [UInt8], certType: UInt16 = 5,
        mutateBody: (inout [UInt8]) -> Void = { _ in }, mutateQEReport: (inout [UInt8]) -> Void = { _ in },
        attestationKeyOverride: [UInt8]? = nil
    ) throws -> [UInt8] {
        let quote = try Quote(original)
        var signed = Array(quote.signedBytes)
        mutateBody(&signed)
        let attestationKey = P256.Signing.PrivateKey()
        var qeReport = Array(quote.qeReport.rawBytes)
        let auth = Array(quote.qeAuthData)
        let publicKey = attestationKeyOverride ?? Array(attestationKey.publicKey.rawRepresentation)
        let binding = Array(SHA256.hash(data: publicKey + auth)) + [UInt8](repeating: 0, count: 32)
        qeReport.replaceSubrange(320..<384, with: binding)
        mutateQEReport(&qeReport)
        let qeSignature = try pckKey.signature(for: qeReport).rawRepresentation
        let quoteSignature = try attestationKey.signature(for: signed).rawRepresentation
        var inner = qeReport + Array(qeSignature) + le16(auth.count) + auth + le16(Int(certType)) + le32(chainPEM.count) + chainPEM
        if quote.header.version != 3 { inner = le16(6) + le32(inner.count) + inner }
        let sigData = Array(quoteSignature) + publicKey + inner
        return signed + le32(sigData.count) + sigData
    }

    func chainPEM(_ spec: SGXExtensionSpec) throws -> [UInt8] {
        Array(try Self.pem([try pckLeaf(spec), ca, root]).utf8)
    }

    // MARK: Collateral

    /// A CRL issued by `issuer`/`key`, listing `revoked` serials.
    static func crl(
        issuer: Certificate, key: P256.Signing.PrivateKey, revoked: [[UInt8]] = [], thisUpdate: Date = notBefore,
        nextUpdate: Date? = notAfter, aki: [UInt8]? = nil
    ) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(issuer.subject)
        let alg = DERW.seq([DERW.oid([1, 2, 840, 10045, 4, 3, 2])])
        var tbs: [[UInt8]] = [DERW.int(1), alg, serializer.serializedBytes, DERW.time(thisUpdate)]
        if let nextUpdate { tbs.append(DERW.time(nextUpdate)) }
        if !revoked.isEmpty {
            tbs.append(DERW.seq(revoked.map { DERW.seq([DERW.tlv(0x02, $0), DERW.time(thisUpdate)]) }))
        }
        let ski = try issuer.extensions.subjectKeyIdentifier
        let keyID = aki ?? Array(ski?.keyIdentifier ?? [])
        let akiExt = DERW.seq([DERW.oid([2, 5, 29, 35]), DERW.octets(DERW.seq([DERW.tlv(0x80, keyID)]))])
        let numberExt = DERW.seq([DERW.oid([2, 5, 29, 20]), DERW.octets(DERW.int(1))])
        tbs.append(DERW.tlv(0xA0, DERW.seq([akiExt, numberExt])))
        let tbsDER = DERW.seq(tbs)
        let signature = try key.signature(for: tbsDER).derRepresentation
        return DERW.seq([tbsDER, alg, DERW.tlv(0x03, [0] + Array(signature))])
    }

    /// A bundle under this PKI with the given signed bodies (re-signed here).
    func bundle(
        tcbInfo: [UInt8], qeIdentity: [UInt8], revokedByRoot: [[UInt8]] = [], revokedByCA: [[UInt8]] = []
    ) throws -> CollateralBundle {
        let signingChain = try Self.pem([tcbSigning, root])
        return CollateralBundle(
            pckCRLIssuerChain: try Self.pem([ca, root]),
            rootCACRL: try Self.crl(issuer: root, key: rootKey, revoked: revokedByRoot),
            pckCRL: try Self.crl(issuer: ca, key: caKey, revoked: revokedByCA),
            tcbInfoIssuerChain: signingChain, tcbInfo: tcbInfo,
            tcbInfoSignature: Array(try tcbKey.signature(for: tcbInfo).rawRepresentation),
            qeIdentityIssuerChain: signingChain, qeIdentity: qeIdentity,
            qeIdentitySignature: Array(try tcbKey.signature(for: qeIdentity).rawRepresentation))
    }
}

func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8((v >> 24) & 0xFF)] }

/// Editing signed JSON documents (re-signed afterwards, so key order does not matter).
enum JSONEdit {
    static func edit(_ bytes: [UInt8], _ body: (inout [String: Any]) -> Void) throws -> [UInt8] {
        guard var object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw DCAPError(.collateralMalformed(.bundle))
        }
        body(&object)
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func levels(_ object: [String: Any]) -> [[String: Any]] { object["tcbLevels"] as? [[String: Any]] ?? [] }
}

/// A real quote + its real collateral, re-homed under a test PKI.
struct ResignedCase {
    let pki: TestPKI
    let run: EvidenceRun
    let original: [UInt8]
    let realBundle: CollateralBundle
    let spec: SGXExtensionSpec
    var now: Date { Date(timeIntervalSince1970: run.time) }
    var verifier: DCAPVerifier { DCAPVerifier(options: .init(trustAnchor: pki.anchor, chainCacheCapacity: 0)) }

    init(_ run: EvidenceRun) throws {
        self.run = run
        original = try SharedData.bytes(run.quote)
        realBundle = try CollateralBundle(jsonBytes: try SharedData.bytes(run.collateral))
        let quote = try Quote(original)
        let realChain = try PCKChain(pem: quote.certificationData.data, anchor: .intel)
        spec = SGXExtensionSpec(from: realChain.sgxExtension)
        pki = try TestPKI(caKind: realChain.sgxExtension.caKind)
    }

    static func sgx() throws -> ResignedCase { try ResignedCase(EvidenceRun.all[0]) }
    static func tdx() throws -> ResignedCase { try ResignedCase(EvidenceRun.all[4]) }

    func quote(spec: SGXExtensionSpec? = nil, mutateBody: (inout [UInt8]) -> Void = { _ in },
               mutateQEReport: (inout [UInt8]) -> Void = { _ in }) throws -> [UInt8] {
        try pki.resign(original, chainPEM: try pki.chainPEM(spec ?? self.spec), mutateBody: mutateBody, mutateQEReport: mutateQEReport)
    }

    func bundle(
        tcbInfo: ((inout [String: Any]) -> Void)? = nil, qeIdentity: ((inout [String: Any]) -> Void)? = nil,
        revokedByRoot: [[UInt8]] = [], revokedByCA: [[UInt8]] = []
    ) throws -> CollateralBundle {
        try pki.bundle(
            tcbInfo: try tcbInfo.map { try JSONEdit.edit(realBundle.tcbInfo, $0) } ?? realBundle.tcbInfo,
            qeIdentity: try qeIdentity.map { try JSONEdit.edit(realBundle.qeIdentity, $0) } ?? realBundle.qeIdentity,
            revokedByRoot: revokedByRoot, revokedByCA: revokedByCA)
    }

    func verify(_ quote: [UInt8], _ bundle: CollateralBundle, at: Date? = nil) throws -> VerifiedQuote {
        try verifier.verify(quote: quote, collateral: bundle, at: at ?? now)
    }
}
