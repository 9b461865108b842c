import Foundation
import MAATesting
import Testing

@testable import MAASEVSNP

/// §9 "Chain", on the real Milan evidence.
@Suite("SEV-SNP chain (evidence)")
struct SevSnpChainTests {
    @Test func vcekSignatureByteFlipped() throws {
        var vcek = try SevSnpEvidence.der("vcek_milan.der")
        vcek[vcek.count - 10] ^= 0x01
        let chain = [vcek] + (try SevSnpEvidence.pem("cert_chain_milan"))
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: chain) } == .certificateSignatureInvalid(.vcek))
    }

    @Test func askSignatureByteFlipped() throws {
        var chain = try SevSnpEvidence.milanChain()
        chain[1][chain[1].count - 10] ^= 0x01
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: chain) } == .certificateSignatureInvalid(.ask))
    }

    @Test func validity() throws {
        let after = Date(timeIntervalSince1970: 1_924_992_000)  // 2031-01-01
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(at: after) } == .certificateExpired(.vcek))
        let before = Date(timeIntervalSince1970: 1_672_531_200)  // 2023-01-01
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(at: before) } == .certificateNotYetValid(.vcek))
        let afterARK = Date(timeIntervalSince1970: 2_400_000_000)  // 2046
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(at: afterARK) } == .certificateExpired(.ark))
    }

    @Test func genoaRootsForTheMilanReport() throws {
        let chain = [try SevSnpEvidence.der("vcek_milan.der")] + (try SevSnpEvidence.pem("genoa_ask.pem"))
            + (try SevSnpEvidence.pem("genoa_ark.pem"))
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: chain) } == .productMismatch)
    }

    @Test func mixedProducts() throws {
        let chain = [try SevSnpEvidence.der("vcek_milan.der")] + (try SevSnpEvidence.pem("genoa_ask.pem"))
            + (try SevSnpEvidence.pem("milan_ark.pem"))
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: chain) } == .productMismatch)
    }

    @Test func lookAlikeRoot() throws {
        // A self-signed "ARK-Milan" with another key (the test PKI's) replaces AMD's.
        let pki = try SevSnpTestPKI()
        let chain = Array(try SevSnpEvidence.milanChain().prefix(2)) + [pki.ark]
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: chain) } == .untrustedRoot)
    }

    @Test func duplicatesAndExtras() throws {
        let chain = try SevSnpEvidence.milanChain()
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: chain + [chain[1]]) } == .chainMalformed)
        // An extra self-signed certificate in the middle (another ARK).
        let genoaARK = try SevSnpEvidence.pem("genoa_ark.pem")
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: [chain[0]] + genoaARK + [chain[1], chain[2]]) } == .chainMalformed)
        // Missing ARK or ASK.
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: [chain[0], chain[1]]) } == .chainMalformed)
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: [chain[0], chain[2]]) } == .chainMalformed)
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: []) } == .chainMalformed)
        // Missing VCEK.
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: [chain[1], chain[2]]) } == .signingKeyMismatch)
        // Any order is fine.
        _ = try SevSnpEvidence.verifyMilan(chain: [chain[2], chain[0], chain[1]])
    }

    @Test func turinVCEKUnderTheMilanChain() throws {
        let chain = [try SevSnpEvidence.der("vcek_turin.der")] + (try SevSnpEvidence.pem("cert_chain_milan"))
        // Version 2: the product comes from the VCEK's name and must match the ARK/ASK names.
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: chain) } == .productMismatch)
    }

    @Test func crlRequiredButAbsent() throws {
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(options: .init(requireCRL: true)) } == .crlUnavailable)
        #expect(try SevSnpEvidence.verifyMilan().revocationChecked == false)
    }

    @Test func garbageCertificates() throws {
        var chain = try SevSnpEvidence.milanChain()
        chain[0] = [0x30, 0x03, 0x02, 0x01, 0x00]
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: chain) }?.name == "certificateMalformed")
    }
}

/// §3.2: the ASK/ARK may come from a configured copy when the request carries only the VCEK.
@Suite("SEV-SNP fallback certificates")
struct SevSnpFallbackTests {
    static func fallbacks() throws -> [[UInt8]] {
        try ["genoa_ark.pem", "genoa_ask.pem", "milan_ark.pem", "milan_ask.pem", "turin_ark.pem", "turin_ask.pem"]
            .flatMap { try SevSnpEvidence.pem($0) }
    }

    @Test func aVCEKAloneIsCompletedByTheProductsCertificates() throws {
        let vcek = [try SevSnpEvidence.der("vcek_milan.der")]
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: vcek) } == .chainMalformed)
        let verified = try SevSnpEvidence.verifyMilan(chain: vcek, options: .init(fallbackCertificates: try Self.fallbacks()))
        #expect(verified.chain.ark.subject.commonName == "ARK-Milan")
        // With the ASK sent, only the ARK is taken from the fallbacks.
        let withASK = vcek + [try SevSnpEvidence.pem("milan_ask.pem")[0]]
        _ = try SevSnpEvidence.verifyMilan(chain: withASK, options: .init(fallbackCertificates: try Self.fallbacks()))
    }

    @Test func fallbacksAreCheckedLikeSentCertificates() throws {
        // Only another product's copies: nothing to complete the Milan chain with.
        let genoa = try ["genoa_ark.pem", "genoa_ask.pem"].flatMap { try SevSnpEvidence.pem($0) }
        let vcek = [try SevSnpEvidence.der("vcek_milan.der")]
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: vcek, options: .init(fallbackCertificates: genoa)) } == .chainMalformed)
        // A tampered fallback ASK fails its signature check under the pinned ARK.
        var fallbacks = try Self.fallbacks()
        fallbacks[3][fallbacks[3].count - 5] ^= 0x01
        #expect(snpErrorCode { _ = try SevSnpEvidence.verifyMilan(chain: vcek, options: .init(fallbackCertificates: fallbacks)) }
            == .certificateSignatureInvalid(.ask))
    }
}
