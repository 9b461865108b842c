import Foundation
@testable import MAAPKI
import MAATesting
import MAAWire
import Testing

/// Differential tests of the one-pass PEM reader against the straightforward one (find the END line, strip
/// whitespace, decode): same blocks or same error code, on Intel's real chains and on mutations of them.
@Suite("PEM one-pass reader")
struct PEMOnePassTests {
    enum Outcome: Equatable {
        case blocks([[UInt8]])
        case failed(PKIError.Code)

        init(_ body: () throws(PKIError) -> [[UInt8]]) {
            do { self = .blocks(try body()) } catch { self = .failed(error.code) }
        }
    }

    static func chains() throws -> [[UInt8]] {
        var result: [[UInt8]] = []
        for file in ["evidence/sgx-dcap/dcapqvl_sgx_quote_collateral.json", "evidence/tdx/dcapqvl_tdx_quote_collateral.json"] {
            let json = try JSONValue(parsing: try SharedData.bytes(file))
            for key in ["tcb_info_issuer_chain", "pck_crl_issuer_chain"] {
                let text = Array((json[key]?.stringValue ?? "").utf8)
                if !result.contains(text) { result.append(text) }
            }
        }
        return result
    }

    static func check(_ text: [UInt8], maximumCount: Int = 8, sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
        let fast = Outcome { () throws(PKIError) in try PEMCertificates.derBlocks(text, maximumCount: maximumCount) }
        let reference = Outcome { () throws(PKIError) in try PEMCertificates.referenceDERBlocks(text, maximumCount: maximumCount) }
        #expect(fast == reference, sourceLocation: sourceLocation)
        return fast
    }

    @Test func realChains() throws {
        for chain in try Self.chains() {
            guard case .blocks(let blocks) = Self.check(chain) else {
                Issue.record("real chain does not decode")
                continue
            }
            #expect(blocks.count == 2)
            #expect(Self.check(chain, maximumCount: 1) == .failed(.pemMalformed))
            #expect(Self.check(chain + [0, 0]) == .blocks(blocks))
            #expect(Self.check(chain + Array(" \r\n\t".utf8)) == .blocks(blocks))
            #expect(Self.check(chain + chain) == .blocks(blocks + blocks))
        }
    }

    /// The same certificates wrapped at every line width from 1 to 80, with LF, CRLF or space-and-tab breaks:
    /// word-at-a-time copying meets separators at every offset.
    @Test func everyLineWidth() throws {
        let chain = try #require(try Self.chains().first)
        guard case .blocks(let blocks) = Self.check(chain) else {
            Issue.record("real chain does not decode")
            return
        }
        for width in 1...80 {
            for separator in ["\n", "\r\n", " \t"] {
                var text = ""
                for der in blocks {
                    let body = Array(Base64.standardEncoded(der))
                    text += "-----BEGIN CERTIFICATE-----" + separator
                    for start in stride(from: 0, to: body.count, by: width) {
                        text += String(body[start..<min(start + width, body.count)]) + separator
                    }
                    text += "-----END CERTIFICATE-----" + separator
                }
                #expect(Self.check(Array(text.utf8)) == .blocks(blocks), "width \(width)")
            }
        }
    }

    @Test func mutations() throws {
        var rng = SplitMix64(seed: 0x9E3)
        let alphabet = Array("-- \n\r\t\0=A/+z9.".utf8)
        var decoded = 0
        for chain in try Self.chains() {
            for _ in 0..<1_500 {
                var text = chain
                switch rng.next() % 4 {
                case 0: text[Int(rng.next() % UInt64(text.count))] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: text.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: Int(rng.next() % UInt64(text.count)))
                case 2: text.remove(at: Int(rng.next() % UInt64(text.count)))
                default: text = Array(text.prefix(Int(rng.next() % UInt64(text.count))))
                }
                if case .blocks = Self.check(text) { decoded += 1 }
            }
        }
        #expect(decoded > 100)  // whitespace edits keep the text valid: both paths decoded some mutations
        for text in ["", "\n", "-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----",
            "-----BEGIN CERTIFICATE-----\nAA-A\n-----END CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\nAAAA\n----END CERTIFICATE-----",
            "-----BEGIN CERTIFICATE-----\nAAAA\n------END CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\nAAAA-----END CERTIFICATE-----x"]
        {
            _ = Self.check(Array(text.utf8))
        }
    }
}
