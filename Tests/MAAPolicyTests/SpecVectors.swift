import Foundation
import MAAPolicy
import MAATesting
import Testing

/// The test vectors of `shared/docs/policy-language.md` §7: policy text and hash read from the document itself
/// (so the bytes are exactly the specification's), expectations transcribed here.
struct SpecVector: Sendable, CustomTestStringConvertible {
    let number: Int
    let title: String
    let incoming: String
    let policy: String
    let declaredBytes: Int
    let hash: String

    var testDescription: String { String(format: "TV-%02d %@", number, title) }

    /// Loads every vector from the specification.
    static func loadAll() throws -> [SpecVector] {
        let text = try SharedData.text("docs/policy-language.md")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var vectors: [SpecVector] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard line.hasPrefix("### TV-"), let space = line.dropFirst(7).firstIndex(of: " "),
                let number = Int(line[line.index(line.startIndex, offsetBy: 7)..<space])
            else {
                index += 1
                continue
            }
            let title = String(line[line.index(after: space)...])
            var incoming = ""
            var bytes = -1
            var policy: String?
            var hash = ""
            index += 1
            while index < lines.count, !lines[index].hasPrefix("### ") {
                let current = lines[index]
                if let range = current.range(of: "incoming claims: **") {
                    incoming = String(current[range.upperBound...].prefix { $0 != "*" })
                } else if current.hasPrefix("* Policy ("), let open = current.firstIndex(of: "(") {
                    bytes = Int(current[current.index(after: open)...].prefix { $0.isNumber }) ?? -1
                } else if current == "```", policy == nil {
                    var body: [String] = []
                    index += 1
                    while index < lines.count, lines[index] != "```" {
                        body.append(lines[index])
                        index += 1
                    }
                    policy = body.joined(separator: "\n")
                } else if current.hasPrefix("* `x-ms-policy-hash`"), let tick = current.lastIndex(of: "`") {
                    let before = current[..<tick]
                    if let open = before.lastIndex(of: "`") { hash = String(before[before.index(after: open)...]) }
                }
                index += 1
            }
            vectors.append(
                SpecVector(
                    number: number, title: title, incoming: incoming, policy: policy ?? "", declaredBytes: bytes,
                    hash: hash))
        }
        return vectors
    }

    /// `loadAll()`, or an empty list if the document cannot be read (the test then fails on the count).
    static let all: [SpecVector] = (try? loadAll()) ?? []
}

/// The incoming claim sets of §7.2.
enum IncomingClaims {
    static let mrsigner = "2c1a44952ae8207135c6c29b75b8c029372ee94b677e15c20bd42340f10d41aa"
    static let mrenclave = "b779202618becb636768e5d902f28d524222735fafb539ea9ba07c3fc171a1c2"

    static func sgx(debuggable: Bool) -> [Claim] {
        [
            Claim(type: "x-ms-sgx-is-debuggable", value: .boolean(debuggable)),
            Claim(type: "x-ms-sgx-product-id", value: .integer(1)),
            Claim(type: "x-ms-sgx-mrsigner", value: .string(mrsigner)),
            Claim(type: "x-ms-sgx-mrenclave", value: .string(mrenclave)),
            Claim(type: "x-ms-sgx-svn", value: .integer(1)),
            Claim(type: "x-ms-attestation-type", value: .string("sgx")),
            Claim(type: "$is-debuggable", value: .boolean(debuggable)),
            Claim(type: "$product-id", value: .integer(1)),
            Claim(type: "$sgx-mrsigner", value: .string(mrsigner)),
            Claim(type: "$sgx-mrenclave", value: .string(mrenclave)),
            Claim(type: "$svn", value: .integer(1)),
            Claim(type: "$tee", value: .string("sgx")),
        ]
    }

    static func tpm(aikValidated: Bool) -> [Claim] {
        [
            Claim(type: "aikValidated", value: .boolean(aikValidated)),
            Claim(type: "aikPubHash", value: .string("AAAA")),
            Claim(type: "tpmVersion", value: .integer(2)),
            Claim(type: "secureBootEnabled", value: .boolean(true)),
            Claim(type: "iommuEnabled", value: .boolean(true)),
            Claim(type: "bootDebuggingDisabled", value: .boolean(true)),
            Claim(type: "notSafeMode", value: .boolean(true)),
            Claim(type: "notWinPE", value: .boolean(true)),
            Claim(type: "vbsEnabled", value: .boolean(true)),
            Claim(type: "vbsReportPresent", value: .boolean(false)),
        ]
    }

    static func named(_ name: String) -> [Claim]? {
        switch name {
        case "SGX-A": sgx(debuggable: false)
        case "SGX-D": sgx(debuggable: true)
        case "TPM-A": tpm(aikValidated: true)
        case "TPM-B": tpm(aikValidated: false)
        default: nil
        }
    }
}

