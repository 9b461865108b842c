import Foundation
import MAATesting
import MAAWire
import Testing

@testable import MAADCAP

/// The collateral documents' fast JSON path (``JSONTape``) must read every document exactly as the general
/// parser does: the same values when both accept, the same error code otherwise, and never accept what the
/// general parser rejects.
@Suite("Collateral JSON fast path")
struct JSONTapeTests {
    static let bundles: [CollateralBundle] = EvidenceRun.all.compactMap { run in
        (try? SharedData.bytes(run.collateral)).flatMap { try? CollateralBundle(jsonBytes: $0) }
    }

    /// What a parse produced, comparable across the two paths.
    enum Outcome: Equatable {
        case tcbInfo(String)
        case qeIdentity(String)
        case failure(DCAPError.Code)
    }

    static func describe(_ info: TCBInfo) -> String {
        "\(info.id) \(info.version) \(info.issueDate) \(info.nextUpdate) \(info.fmspc) \(info.pceID) \(info.tcbEvaluationDataNumber) "
            + "\(info.levels) \(String(describing: info.tdxModule)) \(String(describing: info.tdxModuleIdentities))"
    }

    static func describe(_ identity: QEIdentity) -> String {
        "\(identity.id) \(identity.issueDate) \(identity.nextUpdate) \(identity.tcbEvaluationDataNumber) \(identity.miscSelect) "
            + "\(identity.miscSelectMask) \(identity.attributes) \(identity.attributesMask) \(identity.mrSigner) \(identity.isvProductID) "
            + "\(identity.levels)"
    }

    static func tcbOutcome(_ bytes: [UInt8], fastPath: Bool) -> Outcome {
        do { return .tcbInfo(describe(try TCBInfo(jsonBytes: bytes, fastPath: fastPath))) } catch { return .failure(error.code) }
    }

    static func qeOutcome(_ bytes: [UInt8], fastPath: Bool) -> Outcome {
        do { return .qeIdentity(describe(try QEIdentity(jsonBytes: bytes, fastPath: fastPath))) } catch { return .failure(error.code) }
    }

    @Test func realDocumentsTakeTheFastPathAndReadTheSame() throws {
        for bundle in Self.bundles {
            #expect(JSONTape.parse(bundle.tcbInfo) != nil)
            #expect(JSONTape.parse(bundle.qeIdentity) != nil)
            let tcb = Self.tcbOutcome(bundle.tcbInfo, fastPath: true)
            guard case .tcbInfo = tcb else { Issue.record("real TCB Info rejected: \(tcb)"); continue }
            #expect(tcb == Self.tcbOutcome(bundle.tcbInfo, fastPath: false))
            #expect(Self.qeOutcome(bundle.qeIdentity, fastPath: true) == Self.qeOutcome(bundle.qeIdentity, fastPath: false))
        }
    }

    @Test(arguments: [
        "{}", "[]", "{\"a\":1}", "{\"a\":1,\"a\":2}", "{\"a\":-0}", "{\"a\":01}", "{\"a\":1.5}", "{\"a\":1e3}",
        "{\"a\":\"\\u0041\"}", "{\"a\":\"\u{e9}\"}", "{\"a\":tru}", "{\"a\":true} x", "{\"a\":1,}", "{,}", "{\"a\" 1}",
        "{\"a\":[1,2,]}", "{\"a\":1234567890123456789}", "{\"a\":\"x\u{01}\"}", "", " ", "\"s\"", "{\"a\":{\"b\":{}}}",
    ])
    func neverAcceptsWhatTheGeneralParserRejects(_ text: String) {
        let bytes = Array(text.utf8)
        if JSONTape.parse(bytes) != nil {
            #expect((try? JSONValue(parsing: bytes)) != nil, "fast path accepted \(text)")
        }
    }

    @Test func rejectsTheFallbackShapes() {
        for text in ["{\"a\":1,\"a\":2}", "{\"a\":-0}", "{\"a\":1.5}", "{\"a\":\"\\n\"}", "{\"a\":\"\u{e9}\"}", "{\"a\":1} x"] {
            #expect(JSONTape.parse(Array(text.utf8)) == nil, "\(text)")
        }
        // Depth: 16 nested levels pass, 17 go to the general parser.
        let deep = { (n: Int) in Array((String(repeating: "[", count: n) + String(repeating: "]", count: n)).utf8) }
        #expect(JSONTape.parse(deep(16)) != nil)
        #expect(JSONTape.parse(deep(17)) == nil)
        for n in 14...18 where JSONTape.parse(deep(n)) != nil {
            #expect((try? JSONValue(parsing: deep(n), options: JSONParsingOptions(maxDepth: 16, maxInputBytes: 1 << 20))) != nil, "depth \(n)")
        }
    }

    /// Duplicate member names are found across nested values (each object's keys are compared with its own earlier
    /// keys only); a name repeated in a nested object is not a duplicate.
    @Test func duplicateNamesAcrossNestedValues() {
        for text in [#"{"a":{"x":1},"b":[1,{"a":2}],"a":3}"#, #"{"a":[{"a":1}],"c":{"d":{"e":[]}},"a":3}"#,
            #"{"k":[[[]]],"l":"s","k":1}"#, #"[{"a":1},{"b":{"b":1,"b":2}}]"#]
        {
            #expect(JSONTape.parse(Array(text.utf8)) == nil, "\(text)")
        }
        for text in [#"{"a":{"a":1}}"#, #"{"a":[{"a":1},{"a":2}],"b":{"a":{"a":3}}}"#, #"[{"a":1},{"a":2}]"#] {
            let tape = JSONTape.parse(Array(text.utf8))
            #expect(tape != nil, "\(text)")
            #expect((try? JSONValue(parsing: Array(text.utf8))) != nil)
        }
        // 256 distinct members are read; a 257th goes to the general parser.
        let members = { (n: Int) in Array(("{" + (0..<n).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}").utf8) }
        #expect(JSONTape.parse(members(256)) != nil)
        #expect(JSONTape.parse(members(257)) == nil)
    }

    @Test func mutatedDocumentsReadTheSameOnBothPaths() {
        var rng = SplitMix64(seed: 0x7A9E)
        var fast = 0
        for bundle in Self.bundles {
            for _ in 0..<300 {
                let tcb = MutationTests.mutate(bundle.tcbInfo, &rng)
                #expect(Self.tcbOutcome(tcb, fastPath: true) == Self.tcbOutcome(tcb, fastPath: false))
                let qe = MutationTests.mutate(bundle.qeIdentity, &rng)
                #expect(Self.qeOutcome(qe, fastPath: true) == Self.qeOutcome(qe, fastPath: false))
                if JSONTape.parse(tcb) != nil { fast += 1 }
            }
        }
        // Many mutations keep the shape (a changed digit or letter), so the fast path is exercised, not skipped.
        #expect(fast > 100)
    }
}
