import Foundation
import MAAWire
import Testing

@testable import MAASEVSNP

/// §1 envelope and §9 "envelope" negatives.
@Suite("SEV-SNP envelope")
struct SevSnpEnvelopeTests {
    static func milanEnvelope() throws -> SNPEvidenceEnvelope {
        SNPEvidenceEnvelope(report: try SevSnpEvidence.milanReport(), certificates: try SevSnpEvidence.milanChain())
    }

    static func pem(_ certificates: [[UInt8]]) -> String {
        certificates.map { "-----BEGIN CERTIFICATE-----\n\(Base64.standardEncoded($0))\n-----END CERTIFICATE-----\n" }.joined()
    }

    @Test func roundTripAndVerify() throws {
        let envelope = try Self.milanEnvelope()
        let document = envelope.jsonDocument()
        let decoded = try SNPEvidenceEnvelope(json: document)
        #expect(decoded == envelope)
        let verified = try SEVSNPVerifier().verify(evidenceDocument: document, at: SevSnpEvidence.verifyTime)
        #expect(verified.report.bytes == envelope.report)
        let member = try SNPEvidenceEnvelope(reportMember: Base64.urlEncoded(document))
        #expect(member == envelope)
    }

    @Test func bothAlphabetsPaddingAndWhitespace() throws {
        let report = try SevSnpEvidence.milanReport()
        let chain = Array(Self.pem(try SevSnpEvidence.milanChain()).utf8)
        // Standard alphabet with padding, pretty-printed with leading newlines (as MAA's example).
        let text = "\n\n  {\n    \"SnpReport\": \"\(Base64.standardEncoded(report))\",\n    \"VcekCertChain\":\t\"\(Base64.standardEncoded(chain))\",\n \"Other\": 1 }\n"
        let envelope = try SNPEvidenceEnvelope(json: Array(text.utf8))
        #expect(envelope.report == report)
        #expect(envelope.certificates.count == 3)
        // The outer `report` member in the standard alphabet with padding.
        _ = try SNPEvidenceEnvelope(reportMember: Base64.standardEncoded(Array(text.utf8)))
    }

    @Test func endorsementsAreKept() throws {
        let uvm = JSONValue.object(JSONObject([("Uvm", .array(["abc", "def"]))]))
        let text = """
            {"SnpReport":"\(Base64.urlEncoded(try SevSnpEvidence.milanReport()))",
             "VcekCertChain":"\(Base64.urlEncoded(Array(Self.pem(try SevSnpEvidence.milanChain()).utf8)))",
             "Endorsements":"\(Base64.urlEncoded(Array(uvm.serialized(.maa).utf8)))"}
            """
        let envelope = try SNPEvidenceEnvelope(json: Array(text.utf8))
        #expect(envelope.uvmEndorsements == ["abc", "def"])
        #expect(try SNPEvidenceEnvelope(json: envelope.jsonDocument()).uvmEndorsements == ["abc", "def"])
    }

    @Test(arguments: [
        #"{"SnpReport":"!!!","VcekCertChain":"AAAA"}"#,
        #"{"SnpReport":"AAAA"}"#,
        #"{"VcekCertChain":"AAAA"}"#,
        #"["SnpReport"]"#,
        #""text""#,
        #"{"SnpReport":1,"VcekCertChain":"AAAA"}"#,
        #"{"SnpReport":"AAAA","VcekCertChain":"bm90IHBlbQ"}"#,
        #"{"SnpReport":"AAAA","VcekCertChain":""}"#,
        #"{"SnpReport":"AAAA","VcekCertChain":"AAAA","SnpReport":"AAAA"}"#,
        "",
        "{",
    ])
    func malformed(text: String) {
        #expect(snpErrorCode { _ = try SNPEvidenceEnvelope(json: Array(text.utf8)) } == .envelopeMalformed)
    }

    @Test func malformedEndorsements() throws {
        let base = try Self.milanEnvelope().jsonDocument()
        for endorsements in [Base64.urlEncoded(utf8: "[1]"), Base64.urlEncoded(utf8: #"{"Uvm":[1]}"#), "%%%"] {
            var text = String(decoding: base, as: UTF8.self)
            text.removeLast()
            text += #","Endorsements":""# + endorsements + "\"}"
            #expect(snpErrorCode { _ = try SNPEvidenceEnvelope(json: Array(text.utf8)) } == .envelopeMalformed)
        }
        #expect(snpErrorCode { _ = try SNPEvidenceEnvelope(reportMember: "not base64!") } == .envelopeMalformed)
    }
}
