@testable import MAADCAP
import MAATesting
import Testing

/// Differential tests of the one-pass PCK extension reader against the general swift-asn1 parser: whatever the
/// fast path accepts, the general parser accepts with the same values, on the real PCK certificates (processor
/// and platform CA) and on mutations of their extensions; the public path gives the general parser's outcome.
@Suite("PCK extension fast path")
struct PCKExtensionFastPathTests {
    static func extensions() throws -> [[UInt8]] {
        var result: [[UInt8]] = []
        for run in EvidenceRun.all where !run.openEnclave {
            let quote = try Quote(try SharedData.bytes(run.quote))
            let chain = try PCKChain(pem: quote.certificationData.data, anchor: .intel)
            let der = Array(chain.leaf.extensions[oid: PCKExtension.oid]?.value ?? [])
            if !result.contains(der) { result.append(der) }
        }
        return result
    }

    /// Checks the invariants on one input; returns whether the fast path accepted it.
    @discardableResult
    static func check(_ der: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let general = try? PCKExtension(generalDER: der[...])
        let viaPublic = try? PCKExtension(der: der[...])
        #expect(viaPublic == general, sourceLocation: sourceLocation)
        guard let fast = PCKExtension.fastParse(der[...]) else { return false }
        #expect(fast == general, "fast path accepted what the general parser reads otherwise", sourceLocation: sourceLocation)
        return true
    }

    @Test func realExtensionsTakeTheFastPath() throws {
        let all = try Self.extensions()
        #expect(all.count >= 2)
        var kinds: Set<PCKExtension.CAKind> = []
        for der in all {
            #expect(Self.check(der))
            if let parsed = PCKExtension.fastParse(der[...]) { kinds.insert(parsed.caKind) }
        }
        #expect(kinds == [.processor, .platform])
    }

    @Test func publicInitialiserThrowsTypedErrors() throws {
        for der in try Self.extensions() {
            #expect(try PCKExtension(extensionValue: der[...]) == PCKExtension.fastParse(der[...]))
        }
        for bad: [UInt8] in [[], [0x30, 0x00], [0x04, 0x01, 0x00], [0x30, 0x80]] {
            #expect(throws: DCAPError.self) { try PCKExtension(extensionValue: bad[...]) }
        }
    }

    @Test func mutationsNeverWidenTheFastPath() throws {
        var accepted = 0
        var rng = SplitMix64(seed: 0x9C6E)
        for der in try Self.extensions() {
            for position in der.indices {
                for value: UInt8 in [0x00, 0x80, der[position] &+ 1, der[position] &- 1] where value != der[position] {
                    var mutated = der
                    mutated[position] = value
                    if Self.check(mutated) { accepted += 1 }
                }
            }
            for _ in 0..<250 where Self.check(MutationTests.mutate(der, &rng)) { accepted += 1 }
        }
        // Mutations of PPID, FMSPC, SVN values and the like stay in Intel's form: the fast path was exercised.
        #expect(accepted > 200)
    }
}
