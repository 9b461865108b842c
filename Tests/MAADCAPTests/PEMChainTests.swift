import Foundation
import MAAPKI
import MAATesting
import Testing

@testable import MAADCAP

/// ``PEMChain`` must decode every chain exactly as MAAPKI's `PEMCertificates.derBlocks` does, whether or not it
/// reuses the known trailing blocks.
@Suite("PEM chains sharing trailing certificates")
struct PEMChainTests {
    enum Outcome: Equatable {
        case blocks([[UInt8]])
        case failure
    }

    static func reference(_ text: [UInt8], _ max: Int) -> Outcome {
        (try? PEMCertificates.derBlocks(text, maximumCount: max)).map(Outcome.blocks) ?? .failure
    }

    static func shortcut(_ text: [UInt8], _ max: Int, _ known: PEMChain.Known?) -> Outcome {
        (try? PEMChain.derBlocks(text, maximumCount: max, reusing: known)).map(Outcome.blocks) ?? .failure
    }

    static let cases: [(quote: [UInt8], known: PEMChain.Known)] = EvidenceRun.all.compactMap { run in
        guard let bytes = try? SharedData.bytes(run.quote), let quote = try? Quote(run.openEnclave ? Array(bytes.dropFirst(16)) : bytes),
            let bundle = (try? SharedData.bytes(run.collateral)).flatMap({ try? CollateralBundle(jsonBytes: $0) }),
            let der = try? PEMCertificates.derBlocks(Array(bundle.pckCRLIssuerChain.utf8))
        else { return nil }
        return (Array(quote.certificationData.data), PEMChain.Known(text: bundle.pckCRLIssuerChain.utf8, der: der))
    }

    @Test func realChainsReuseTheKnownBlocksAndDecodeTheSame() throws {
        #expect(!Self.cases.isEmpty)
        for (quote, known) in Self.cases {
            let expected = Self.reference(quote, 3)
            guard case .blocks(let blocks) = expected else { Issue.record("real chain does not decode"); continue }
            #expect(blocks.count == 3)
            #expect(Self.shortcut(quote, 3, known) == expected)
        }
    }

    @Test func lastBlockOfAChain() throws {
        let bundle = try CollateralBundle(jsonBytes: try SharedData.bytes(EvidenceRun.all[0].collateral))
        let der = try PEMCertificates.derBlocks(Array(bundle.tcbInfoIssuerChain.utf8))
        let known = try #require(PEMChain.Known.lastBlock(of: bundle.tcbInfoIssuerChain.utf8, der: der))
        #expect(known.der == [der[1]])
        #expect(try PEMCertificates.derBlocks(known.text) == [der[1]])
        let pck = Array(bundle.pckCRLIssuerChain.utf8)
        #expect(Self.shortcut(pck, 2, known) == Self.reference(pck, 2))
    }

    @Test func trickySplitsDecodeAsTheReference() throws {
        let (quote, known) = try #require(Self.cases.first)
        var text = quote
        while text.last == 0 { text.removeLast() }
        let head = Array(text.prefix(text.count - known.text.count))
        let variants: [[UInt8]] = [
            head + [0] + known.text,  // NUL between the blocks
            head + Array("junk".utf8) + known.text,  // text between the blocks
            Array(head.dropLast(3)) + known.text,  // the head's END line cut short
            Array(head.prefix(40)) + known.text,  // the head is not a complete block
            known.text,  // nothing before the known blocks
            head + known.text + [0, 0],  // trailing NULs (ignored by both)
            head + Array("\r\n\t ".utf8) + known.text,
            head + head + known.text,  // one block too many for 3
        ]
        for variant in variants {
            #expect(Self.shortcut(variant, 3, known) == Self.reference(variant, 3))
        }
        var rng = SplitMix64(seed: 0x9E3)
        for _ in 0..<500 {
            let mutated = MutationTests.mutate(quote, &rng)
            #expect(Self.shortcut(mutated, 3, known) == Self.reference(mutated, 3))
        }
    }
}
