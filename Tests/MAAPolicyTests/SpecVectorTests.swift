import MAAPolicy
import Testing

/// Every test vector of the specification (§7.3).
@Suite struct SpecVectorTests {
    enum Expected: Sendable {
        case permitted([(String, ClaimValue)], properties: [(String, ClaimValue)] = [])
        case denied
        case noPermit
        case parsingError
        case evaluationError
    }

    static let legacy: [(String, ClaimValue)] = [
        ("is-debuggable", .boolean(false)), ("sgx-mrsigner", .string(IncomingClaims.mrsigner)),
        ("sgx-mrenclave", .string(IncomingClaims.mrenclave)), ("product-id", .integer(1)), ("svn", .integer(1)),
        ("tee", .string("sgx")),
    ]

    static let expectations: [Int: Expected] = [
        1: .permitted([]),
        2: .permitted(legacy),
        3: .denied,
        4: .permitted([("custom-name", .string(IncomingClaims.mrsigner))]),
        5: .noPermit,
        6: .permitted([]),
        7: .permitted([("NotDebuggable", .boolean(false))] + legacy),
        8: .denied,
        9: .noPermit,
        10: .permitted([]),
        11: .parsingError,
        12: .parsingError,
        13: .permitted(legacy, properties: [("x-ms-sgx-tcbidentifier", .string("azuredefault"))]),
        14: .parsingError,
        15: .parsingError,
        16: .parsingError,
        17: .noPermit,
        18: .permitted([]),
        19: .noPermit,
        20: .parsingError,
        21: .noPermit,
        22: .permitted([("SecurityLevelValue", .integer(100)), ("flag", .boolean(true)), ("name", .string("abc"))]),
        23: .permitted([("svnOut", .integer(1))]),
        24: .permitted([]),
        25: .permitted([("stageOut", .string("auth"))]),
        26: .permitted([("signerAndEnclave", .string(IncomingClaims.mrsigner)), ("svnEqualsProductId", .boolean(true))]),
        27: .permitted([("tag", .string("blue"))]),
        28: .permitted([("multi", .integer(1)), ("multi", .integer(2))]),
        29: .permitted([("seen", .boolean(true)), ("all", .integer(1)), ("all", .integer(2))]),
        30: .permitted([("secureBootEnabled", .boolean(false))]),
        31: .parsingError,
        32: .permitted([("r", .string("bar")), ("raw", .string("\"bar\""))]),
        33: .permitted([("Result", .integer(0)), ("Result", .string("abc")), ("Result", .boolean(true))]),
        34: .permitted([]),
        35: .permitted([
            ("IsSubset", .boolean(true)), ("OnlyTrue", .boolean(false)), ("Joined", .string("abcxyz")),
            ("Neg", .boolean(false)),
        ]),
        36: .evaluationError,
        37: .parsingError,
        38: .permitted([("svnOut", .integer(1))]),
        39: .parsingError,
        40: .parsingError,
        41: .parsingError,
        42: .parsingError,
        43: .parsingError,
        44: .permitted(legacy),
        45: .permitted([("someTrue", .boolean(true)), ("someTrue", .boolean(true))]),
        46: .permitted([]),
        47: .parsingError,
        48: .permitted([("s", .integer(1))]),
        49: .permitted([("s", .integer(1))]),
        50: .permitted([("PlatformAttested", .boolean(true))]),
        51: .permitted(
            [("PlatformAttested", .boolean(false))],
            properties: [("required_pcr_mask", .integer(15)), ("require_valid_aik_cert", .boolean(false))]),
        52: .permitted(
            [], properties: [("report_validity_in_minutes", .integer(60)), ("omit_x5c", .boolean(true))]),
    ]

    @Test func allVectorsAreLoaded() {
        #expect(SpecVector.all.map(\.number) == Array(1...52))
    }

    @Test(arguments: SpecVector.all)
    func vector(_ vector: SpecVector) throws {
        #expect(vector.policy.utf8.count == vector.declaredBytes, "policy text extracted with the declared length")
        #expect(PolicyHash.compute(vector.policy) == vector.hash)
        let incoming = try #require(IncomingClaims.named(vector.incoming), "incoming set \(vector.incoming)")
        let expected = try #require(Self.expectations[vector.number])

        let policy: AttestationPolicy
        do {
            policy = try AttestationPolicy(text: vector.policy)
        } catch {
            guard case .parsingError = expected else {
                Issue.record("unexpected parse error \(error)")
                return
            }
            #expect(error.code == .parsingError)
            #expect(error.position != nil)
            return
        }
        if case .parsingError = expected {
            Issue.record("expected a PolicyParsingError")
            return
        }
        #expect(policy.hash == vector.hash)

        let result: PolicyEvaluation
        do {
            result = try policy.evaluate(incoming)
        } catch {
            guard case .evaluationError = expected else {
                Issue.record("unexpected evaluation error \(error)")
                return
            }
            #expect(error.code == .evaluationError)
            return
        }
        switch expected {
        case .permitted(let claims, let properties):
            #expect(result.isPermitted)
            #expect(result.issuedClaims.map(\.type) == claims.map(\.0))
            #expect(result.issuedClaims.map(\.value) == claims.map(\.1))
            #expect(result.issuedClaims.allSatisfy { $0.issuer == .attestationPolicy })
            #expect(result.properties.entries.map(\.name) == properties.map(\.0))
            #expect(result.properties.entries.map(\.value) == properties.map(\.1))
        case .denied:
            guard case .denied = result.decision else {
                Issue.record("expected a deny, got \(result.decision)")
                return
            }
            #expect(result.refusalMessage == "Policy Engine Exception: A Deny claim was issued, authorization failed.")
            #expect(result.issuedClaims.isEmpty)
        case .noPermit:
            #expect(result.decision == .noPermit)
            #expect(result.issuedClaims.isEmpty)
        case .parsingError, .evaluationError:
            Issue.record("expected an error, got \(result.decision)")
        }
    }
}
