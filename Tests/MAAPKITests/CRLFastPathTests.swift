import Foundation
@testable import MAAPKI
import MAATesting
import MAAWire
import Testing
import X509

/// Differential tests of the fast CRL pass against the general swift-asn1 parser: whatever the fast pass accepts,
/// the general parser accepts with the same values, on Intel's real CRLs, on mutations of them and on hand-built
/// CRLs inside and outside the fast profile; and the public initialiser gives the general parser's result (value
/// or error code) on every input.
@Suite("CRL fast path")
struct CRLFastPathTests {
    static let files = [
        "evidence/sgx-dcap/dcapqvl_sgx_quote_collateral.json",
        "evidence/tdx/dcapqvl_tdx_quote_collateral.json",
        "evidence/tdx/dcapqvl_tdx_quote_outdated_collateral.json",
    ]

    static func realCRLs() throws -> [[UInt8]] {
        var result: [[UInt8]] = []
        for file in files {
            let json = try JSONValue(parsing: try SharedData.bytes(file))
            for key in ["root_ca_crl", "pck_crl"] {
                let der = try Hex.decode(json[key]?.stringValue ?? "")
                if !result.contains(der) { result.append(der) }
            }
        }
        return result
    }

    /// The fields of a parsed CRL, for comparison.
    struct Fields: Equatable {
        let der: [UInt8]
        let tbs: [UInt8]
        let issuer: DistinguishedName
        let thisUpdate: Date
        let nextUpdate: Date?
        let aki: [UInt8]?
        let crlNumber: [UInt8]?
        let serials: [[UInt8]]
        let algorithm: Certificate.SignatureAlgorithm
        let signature: [UInt8]

        init(_ crl: CertificateRevocationList) {
            der = crl.derBytes
            tbs = Array(crl.tbsBytes)
            issuer = crl.issuer
            thisUpdate = crl.thisUpdate
            nextUpdate = crl.nextUpdate
            aki = crl.authorityKeyIdentifier
            crlNumber = crl.crlNumber
            serials = crl.revokedSerials.map(Array.init)
            algorithm = crl.signatureAlgorithm
            signature = crl.signatureBytes
        }
    }

    enum Outcome: Equatable {
        case parsed(Fields)
        case failed(PKIError.Code)

        init(_ body: () throws(PKIError) -> CertificateRevocationList) {
            do { self = .parsed(Fields(try body())) } catch { self = .failed(error.code) }
        }
    }

    /// Checks the invariants on one input; returns whether the fast pass accepted it.
    @discardableResult
    static func check(_ der: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let general = Outcome { () throws(PKIError) in try CertificateRevocationList(generalParsing: der) }
        let public_ = Outcome { () throws(PKIError) in try CertificateRevocationList(derEncoded: der) }
        #expect(public_ == general, "public parser differs from the general one", sourceLocation: sourceLocation)
        guard CRLFastPath.parse(der, maximumEntries: 100_000) != nil else { return false }
        guard case .parsed = general else {
            Issue.record("fast pass accepted what the general parser rejects: \(general)", sourceLocation: sourceLocation)
            return true
        }
        return true
    }

    @Test func realCRLsTakeTheFastPathWithTheSameValues() throws {
        for der in try Self.realCRLs() {
            #expect(Self.check(der))
        }
    }

    /// A known issuer name with the CRL's exact issuer bytes is used as is; with other bytes it is ignored. Either
    /// way the result is the general parser's.
    @Test func knownIssuerNames() throws {
        let crls = try Self.realCRLs()
        for der in crls {
            let general = try CertificateRevocationList(generalParsing: der)
            for other in crls {
                let name = try CertificateRevocationList(generalParsing: other)
                let parsed = try CertificateRevocationList(derEncoded: der, knownIssuer: (name.issuerBytes, name.issuer))
                #expect(Fields(parsed) == Fields(general))
                #expect(parsed.issuerBytes.elementsEqual(general.issuerBytes))
            }
        }
    }

    /// Every byte of the smaller CRLs (and the head and tail of the large one) set to boundary values, then
    /// random flips, truncations and insertions.
    @Test func mutationsNeverWidenTheFastPath() throws {
        var accepted = 0
        var rng = SplitMix64(seed: 0xC41)
        for der in try Self.realCRLs() {
            let positions = der.count <= 700 ? Array(der.indices) : Array(der.indices.prefix(200)) + Array(der.indices.suffix(110))
            for position in positions {
                for value: UInt8 in [0x00, 0xFF, 0x80, der[position] &+ 1, der[position] &- 1] where value != der[position] {
                    var mutated = der
                    mutated[position] = value
                    if Self.check(mutated) { accepted += 1 }
                }
            }
            for _ in 0..<100 {
                var mutated = der
                switch rng.next() % 4 {
                case 0: mutated = Array(mutated.prefix(Int(rng.next() % UInt64(mutated.count))))
                case 1: mutated.insert(UInt8(truncatingIfNeeded: rng.next()), at: Int(rng.next() % UInt64(mutated.count)))
                case 2: mutated.remove(at: Int(rng.next() % UInt64(mutated.count)))
                default:
                    for _ in 0..<3 { mutated[Int(rng.next() % UInt64(mutated.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
                }
                if Self.check(mutated) { accepted += 1 }
            }
        }
        // Mutations of serials, signature bytes and key identifiers stay in the profile: the fast pass was exercised.
        #expect(accepted > 300)
    }

    // MARK: hand-built CRLs

    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        let n = content.count
        let length: [UInt8] =
            n < 0x80 ? [UInt8(n)] : n < 0x100 ? [0x81, UInt8(n)] : [0x82, UInt8(n >> 8), UInt8(n & 0xFF)]
        return [tag] + length + content
    }
    static func seq(_ parts: [UInt8]...) -> [UInt8] { tlv(0x30, parts.flatMap { $0 }) }
    static let sha256: [UInt8] = [0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]
    static let sha384: [UInt8] = [0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03]
    static let sha256Null: [UInt8] = [0x30, 0x0C, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02, 0x05, 0x00]
    static func utc(_ s: String) -> [UInt8] { tlv(0x17, Array(s.utf8)) }
    static func gen(_ s: String) -> [UInt8] { tlv(0x18, Array(s.utf8)) }
    static let reason = seq(tlv(0x06, [0x55, 0x1D, 0x15]), tlv(0x04, [0x0A, 0x01, 0x01]))
    static let reasonCritical = seq(tlv(0x06, [0x55, 0x1D, 0x15]), [0x01, 0x01, 0xFF], tlv(0x04, [0x0A, 0x01, 0x01]))
    static let unknownCritical = seq(tlv(0x06, [0x55, 0x1D, 0x63]), [0x01, 0x01, 0xFF], tlv(0x04, [0x05, 0x00]))
    static let unknown = seq(tlv(0x06, [0x55, 0x1D, 0x63]), tlv(0x04, [0x05, 0x00]))
    static let aki = seq(tlv(0x06, [0x55, 0x1D, 0x23]), tlv(0x04, seq(tlv(0x80, [1, 2, 3, 4]))))
    static let number = seq(tlv(0x06, [0x55, 0x1D, 0x14]), tlv(0x04, tlv(0x02, [0x05])))

    struct Shape {
        var alg = CRLFastPathTests.sha256
        var innerAlg: [UInt8]? = nil
        var version: [UInt8] = tlv(0x02, [0x01])
        var thisUpdate = utc("250619100035Z")
        var nextUpdate: [UInt8]? = utc("250719100035Z")
        var entries: [[UInt8]]? = [seq(tlv(0x02, [0x00, 0x8A, 0x01]), utc("250619100035Z"), seq(reason))]
        var extensions: [[UInt8]]? = [aki, number]
        var signatureBits: [UInt8] = tlv(0x03, [0x00] + [UInt8](repeating: 0x42, count: 8))

        func der(issuer: [UInt8]) -> [UInt8] {
            var tbs = version + (innerAlg ?? alg) + issuer + thisUpdate + (nextUpdate ?? [])
            if let entries { tbs += tlv(0x30, entries.flatMap { $0 }) }
            if let extensions { tbs += tlv(0xA0, tlv(0x30, extensions.flatMap { $0 })) }
            return seq(tlv(0x30, tbs), alg, signatureBits)
        }
    }

    static func issuer() throws -> [UInt8] {
        // The issuer Name of Intel's Root CA CRL (third field of its TBSCertList).
        let der = try realCRLs()[0]
        var outer = DERScanner(der)
        let list = outer.read(0x30)
        var top = outer.inside(try #require(list))
        let tbs = top.read(0x30)
        var fields = top.inside(try #require(tbs))
        _ = fields.read(0x02)
        _ = fields.read(0x30)
        let name = fields.read(0x30)
        return Array(der[try #require(name).encoded])
    }

    static func entry(_ serial: [UInt8], _ date: [UInt8] = utc("250619100035Z"), _ exts: [[UInt8]]? = nil) -> [UInt8] {
        seq(tlv(0x02, serial), date, exts.map { tlv(0x30, $0.flatMap { $0 }) } ?? [])
    }

    /// (shape, whether the fast pass must take it)
    static func shapes() -> [(String, Shape, Bool)] {
        var list: [(String, Shape, Bool)] = [("base", Shape(), true)]
        func add(_ name: String, _ inProfile: Bool, _ edit: (inout Shape) -> Void) {
            var shape = Shape()
            edit(&shape)
            list.append((name, shape, inProfile))
        }
        add("sha384", true) { $0.alg = sha384 }
        add("inner alg differs", false) { $0.innerAlg = sha384 }
        add("NULL parameters", false) { $0.alg = sha256Null }
        add("version 1 (0)", false) { $0.version = tlv(0x02, [0x00]) }
        add("version as two bytes", false) { $0.version = tlv(0x02, [0x00, 0x01]) }
        add("generalized times", true) { $0.thisUpdate = gen("20250619100035Z"); $0.nextUpdate = gen("20500719100035Z") }
        add("generalized fraction", false) { $0.thisUpdate = gen("20250619100035.5Z") }
        add("generalized trailing zero fraction", false) { $0.thisUpdate = gen("20250619100035.50Z") }
        add("no nextUpdate", true) { $0.nextUpdate = nil }
        add("leap day 2024", true) { $0.thisUpdate = utc("240229000000Z") }
        add("no leap day 2025", false) { $0.thisUpdate = utc("250229000000Z") }
        add("no leap day 2100", false) { $0.thisUpdate = gen("21000229000000Z") }
        add("leap day 2000", true) { $0.thisUpdate = gen("20000229000000Z") }
        add("year 1950", true) { $0.thisUpdate = utc("500101000000Z") }
        add("year 2049", true) { $0.thisUpdate = utc("491231235959Z") }
        add("second 60", false) { $0.thisUpdate = utc("250619100060Z") }
        add("hour 24", false) { $0.thisUpdate = utc("250619240000Z") }
        add("month 13", false) { $0.thisUpdate = utc("251319100035Z") }
        add("day 0", false) { $0.thisUpdate = utc("250600100035Z") }
        add("April 31", false) { $0.thisUpdate = utc("250431100035Z") }
        add("no Z", false) { $0.thisUpdate = utc("2506191000350") }
        add("minutes only", false) { $0.thisUpdate = utc("2506191000Z") }
        add("time zone offset", false) { $0.thisUpdate = utc("250619100035+0000") }
        add("non-digit", false) { $0.thisUpdate = utc("25061910003AZ") }
        add("no entries", true) { $0.entries = nil }
        add("empty entry list", true) { $0.entries = [] }
        add("entry without extensions", true) { $0.entries = [entry([0x01])] }
        add("serial zero", true) { $0.entries = [entry([0x00])] }
        add("negative serial", false) { $0.entries = [entry([0x80, 0x01])] }
        add("non-minimal serial", false) { $0.entries = [entry([0x00, 0x01])] }
        add("non-minimal negative serial", false) { $0.entries = [entry([0xFF, 0x80])] }
        add("empty serial", false) { $0.entries = [entry([])] }
        add("entry generalized time", true) { $0.entries = [entry([0x01], gen("20250619100035Z"))] }
        add("entry bad date", false) { $0.entries = [entry([0x01], utc("250230100035Z"))] }
        add("entry critical reason", true) { $0.entries = [entry([0x01], utc("250619100035Z"), [reasonCritical])] }
        add("entry unknown critical", false) { $0.entries = [entry([0x01], utc("250619100035Z"), [unknownCritical])] }
        add("entry unknown non-critical", true) { $0.entries = [entry([0x01], utc("250619100035Z"), [unknown])] }
        add("entry empty extensions", true) { $0.entries = [entry([0x01], utc("250619100035Z"), [])] }
        add("entry explicit FALSE", false) {
            $0.entries = [entry([0x01], utc("250619100035Z"), [seq(tlv(0x06, [0x55, 0x1D, 0x15]), [0x01, 0x01, 0x00], tlv(0x04, [0x0A, 0x01, 0x01]))])]
        }
        add("entry trailing field", false) { $0.entries = [seq(tlv(0x02, [0x01]), utc("250619100035Z"), seq(reason), tlv(0x05, []))] }
        add("65 entry extensions", false) {
            $0.entries = [entry([0x01], utc("250619100035Z"), [[UInt8]](repeating: unknown, count: 65))]
        }
        add("64 entry extensions", true) {
            $0.entries = [entry([0x01], utc("250619100035Z"), [[UInt8]](repeating: unknown, count: 64))]
        }
        add("many entries", true) { $0.entries = (1...300).map { entry([0x01, UInt8($0 & 0x7F), UInt8($0 >> 7)], utc("250619100035Z"), [reason]) } }
        add("no extensions", false) { $0.extensions = nil }
        add("only AKI", false) { $0.extensions = [aki] }
        add("number first", true) { $0.extensions = [number, aki] }
        add("duplicate AKI", false) { $0.extensions = [aki, number, aki] }
        add("unknown non-critical list extension", false) { $0.extensions = [aki, number, unknown] }
        add("unknown critical list extension", false) { $0.extensions = [aki, number, unknownCritical] }
        add("negative CRL number", false) {
            $0.extensions = [aki, seq(tlv(0x06, [0x55, 0x1D, 0x14]), tlv(0x04, tlv(0x02, [0x85])))]
        }
        add("AKI without key identifier", false) {
            $0.extensions = [seq(tlv(0x06, [0x55, 0x1D, 0x23]), tlv(0x04, seq())), number]
        }
        add("signature with unused bits", false) { $0.signatureBits = tlv(0x03, [0x01] + [UInt8](repeating: 0x42, count: 8)) }
        return list
    }

    @Test func handBuiltCRLs() throws {
        let issuer = try Self.issuer()
        for (name, shape, inProfile) in Self.shapes() {
            let der = shape.der(issuer: issuer)
            let fast = Self.check(der)
            #expect(fast == inProfile, "\(name): fast path \(fast ? "taken" : "not taken")")
        }
    }

    /// Long-form lengths: minimal encodings are read; a long form for a short length, or a leading zero length
    /// octet, is not DER and is refused by both parsers.
    @Test func lengthEncodings() throws {
        let issuer = try Self.issuer()
        let der = Shape().der(issuer: issuer)
        #expect(Self.check(der))
        // The base CRL's outer SEQUENCE is short enough for one length octet after 0x81 (or short form).
        var longForm = der
        if der[1] < 0x80 {
            longForm = [0x30, 0x81, der[1]] + der.dropFirst(2)
        } else if der[1] == 0x81 {
            longForm = [0x30, 0x82, 0x00, der[2]] + der.dropFirst(3)
        }
        #expect(!Self.check(longForm))
        #expect(throws: PKIError(.crlMalformed, "")) { try CertificateRevocationList(derEncoded: longForm) }
        var scanner = DERScanner([0x04, 0x81, 0x05, 1, 2, 3, 4, 5])
        #expect(scanner.read(0x04) == nil)
        scanner = DERScanner([0x04, 0x80])
        #expect(scanner.read(0x04) == nil)
        let long = [0x04, 0x81, 0x80] + [UInt8](repeating: 7, count: 0x80)
        scanner = DERScanner(long)
        #expect(scanner.read(0x04)?.content == 3..<long.count)
        scanner = DERScanner([0x04, 0x82, 0x01, 0x00])
        #expect(scanner.read(0x04) == nil)  // length beyond the input
    }
}
