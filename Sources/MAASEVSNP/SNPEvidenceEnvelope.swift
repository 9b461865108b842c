import MAAPKI
import MAAWire

/// The evidence document of MAA's `POST /attest/SevSnpVm` `report` member (§1): a JSON object
/// `{"SnpReport": b64, "VcekCertChain": b64(PEM), "Endorsements": b64(JSON)?}`.
///
/// Base64 strings are accepted in either alphabet, padded or not, and any JSON whitespace; unknown members are
/// ignored. `Endorsements.Uvm` (Azure's container UVM reference information) is kept, not interpreted.
public struct SNPEvidenceEnvelope: Sendable, Hashable {
    /// The attestation report bytes (not yet parsed).
    public let report: [UInt8]
    /// The DER certificates of `VcekCertChain`, in the order sent.
    public let certificates: [[UInt8]]
    /// The `Endorsements.Uvm` entries, as sent (base64url COSE_Sign1 documents).
    public let uvmEndorsements: [String]

    /// The largest envelope accepted.
    public static let maximumSize = 256 * 1024

    public init(report: [UInt8], certificates: [[UInt8]], uvmEndorsements: [String] = []) {
        self.report = report
        self.certificates = certificates
        self.uvmEndorsements = uvmEndorsements
    }

    /// Decodes the JSON document (the decoded `report` member).
    /// - Throws: `envelopeMalformed` for any JSON, base64 or PEM error.
    public init(json: [UInt8]) throws(SEVSNPError) {
        guard json.count <= Self.maximumSize else {
            throw SEVSNPError(.envelopeMalformed, "the evidence document is larger than \(Self.maximumSize) bytes")
        }
        let object: JSONObject
        do {
            let value = try JSONValue(parsing: json, options: JSONParsingOptions(maxDepth: 8, maxInputBytes: Self.maximumSize))
            guard let members = value.objectValue else { throw SEVSNPError(.envelopeMalformed, "not a JSON object") }
            object = members
        } catch let error as SEVSNPError {
            throw error
        } catch {
            throw SEVSNPError(.envelopeMalformed, "not JSON: \(error)")
        }
        report = try Self.base64Member(object, "SnpReport")
        let pem = try Self.base64Member(object, "VcekCertChain")
        do {
            certificates = try PEMCertificates.derBlocks(pem, maximumCount: 4)
        } catch {
            throw SEVSNPError(.envelopeMalformed, "VcekCertChain: \(error)")
        }
        guard !certificates.isEmpty else { throw SEVSNPError(.envelopeMalformed, "VcekCertChain holds no certificate") }
        if let endorsements = object["Endorsements"], !endorsements.isNull {
            let bytes = try Self.base64Member(object, "Endorsements")
            do {
                let value = try JSONValue(parsing: bytes, options: JSONParsingOptions(maxDepth: 8, maxInputBytes: Self.maximumSize))
                guard let members = value.objectValue else { throw SEVSNPError(.envelopeMalformed, "Endorsements is not an object") }
                var uvm: [String] = []
                if let list = members["Uvm"], !list.isNull {
                    guard let entries = list.arrayValue else { throw SEVSNPError(.envelopeMalformed, "Endorsements.Uvm is not an array") }
                    for entry in entries {
                        guard let text = entry.stringValue else {
                            throw SEVSNPError(.envelopeMalformed, "Endorsements.Uvm holds a non-string")
                        }
                        uvm.append(text)
                    }
                }
                uvmEndorsements = uvm
            } catch let error as SEVSNPError {
                throw error
            } catch {
                throw SEVSNPError(.envelopeMalformed, "Endorsements: \(error)")
            }
        } else {
            uvmEndorsements = []
        }
    }

    /// Decodes the `report` member's text: base64 (either alphabet, padding optional) of the JSON document.
    public init(reportMember text: String) throws(SEVSNPError) {
        let json: [UInt8]
        do { json = try Base64.decode(text, alphabet: .either) } catch {
            throw SEVSNPError(.envelopeMalformed, "the report is not base64: \(error)")
        }
        try self.init(json: json)
    }

    /// The JSON document for these parts (base64url without padding, PEM certificates), as MAA clients send it.
    public func jsonDocument() -> [UInt8] {
        var pem = ""
        for der in certificates {
            pem += "-----BEGIN CERTIFICATE-----\n"
            let text = Base64.standardEncoded(der)
            var index = text.startIndex
            while index < text.endIndex {
                let end = text.index(index, offsetBy: 64, limitedBy: text.endIndex) ?? text.endIndex
                pem += text[index..<end] + "\n"
                index = end
            }
            pem += "-----END CERTIFICATE-----\n"
        }
        var members: [(key: String, value: JSONValue)] = [
            ("SnpReport", .string(Base64.urlEncoded(report))),
            ("VcekCertChain", .string(Base64.urlEncoded(Array(pem.utf8)))),
        ]
        if !uvmEndorsements.isEmpty {
            let endorsements = JSONValue.object(JSONObject([("Uvm", .array(uvmEndorsements.map { .string($0) }))]))
            members.append(("Endorsements", .string(Base64.urlEncoded(Array(endorsements.serialized(.maa).utf8)))))
        }
        return Array(JSONValue.object(JSONObject(members)).serialized(.maa).utf8)
    }

    private static func base64Member(_ object: JSONObject, _ key: String) throws(SEVSNPError) -> [UInt8] {
        guard let member = object[key], !member.isNull else { throw SEVSNPError(.envelopeMalformed, "missing member '\(key)'") }
        guard let text = member.stringValue else { throw SEVSNPError(.envelopeMalformed, "'\(key)' is not a string") }
        do {
            return try Base64.decode(text, alphabet: .either)
        } catch {
            throw SEVSNPError(.envelopeMalformed, "'\(key)' is not base64: \(error)")
        }
    }
}
