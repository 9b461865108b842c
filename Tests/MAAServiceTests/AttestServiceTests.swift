import Crypto
import Foundation
import MAADCAP
import MAAJOSE
import MAAPolicy
import MAAService
import MAATesting
import MAAWire
import Testing

@Suite("Attestation (service core, real evidence)")
struct AttestServiceTests {
    /// The Azure SDK's OpenEnclave report and runtime data, with collateral judged at its pinned time (OutOfDate).
    static let oeReport = "evidence/openenclave/azure-sdk/azure_sdk_open_enclave_report.bin"
    static let oeRuntime = "evidence/openenclave/azure-sdk/azure_sdk_runtime_data.bin"
    static let oeCollateral = "evidence/assembled-collateral/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin.run1.collateral.json"
    static let oeTime: Int64 = 1_738_752_225
    /// dcap-qvl's SGX quote: ConfigurationAndSWHardeningNeeded at its pinned time.
    static let sgxQuote = "evidence/sgx-dcap/dcapqvl_sgx_quote.bin"
    static let sgxCollateral = "evidence/assembled-collateral/sgx-dcap/dcapqvl_sgx_quote.bin.run0.collateral.json"
    static let sgxTime: Int64 = 1_752_919_277

    static func fixture(collateral: [String], time: Int64?) throws -> ServiceFixture {
        let store = CollateralStore()
        for path in collateral {
            store.add(try VerifiedCollateral(try CollateralBundle(jsonBytes: try SharedData.bytes(path))))
        }
        return ServiceFixture(evidence: EvidenceVerification(collateral: store, collateralTime: time))
    }

    static let reader = Principal(id: "r", role: .reader)
    static let outOfDateToo = ["UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDate"]

    func oeInstance(_ fixture: ServiceFixture) async throws -> InstanceRecord {
        try await fixture.service.createInstance(
            InstanceSpec(name: "aad", mode: .aad, acceptedTCBStatuses: Self.outOfDateToo), caller: .localAdministrator
        )
    }

    func oeRequest(dataType: BoundData.DataType = .json, runtime: [UInt8]? = nil, draft: String? = nil, nonce: String? = nil) throws
        -> AttestationRequest
    {
        let bytes = try runtime ?? SharedData.bytes(Self.oeRuntime)
        return AttestationRequest(
            type: .openEnclave, evidence: try SharedData.bytes(Self.oeReport),
            runtimeData: BoundData(bytes: bytes, encoded: Base64.urlEncoded(bytes), dataType: dataType),
            draftPolicyForAttestation: draft, nonce: nonce
        )
    }

    @Test func jsonRuntimeDataIsAPolicyClaimForJmesPath() async throws {
        let fixture = try Self.fixture(collateral: [Self.oeCollateral], time: Self.oeTime)
        let instance = try await oeInstance(fixture)
        let draft = #"version=1.2; authorizationrules{ c:[type=="x-ms-runtime"] => permit(); }; "#
            + #"issuancerules{ c:[type=="x-ms-runtime"] => issue(type="crv", value=JsonToClaimValue(JmesPath(c.value, "jwk.crv"))); };"#
        let token = try await fixture.service.attest(try oeRequest(draft: draft), instance: instance, caller: Self.reader)
        let claims = try await fixture.validatedClaims(token, instance: instance, allowUnsecured: true)
        #expect(claims["crv"]?.stringValue == "P-256")
        // With binary runtime data there is no x-ms-runtime claim, so this policy refuses.
        await #expect(throws: ServiceError(.policyEvaluationError, "")) {
            try await fixture.service.attest(try oeRequest(dataType: .binary, draft: draft), instance: instance, caller: Self.reader)
        }
    }

    @Test func openEnclaveWithJSONRuntimeData() async throws {
        let fixture = try Self.fixture(collateral: [Self.oeCollateral], time: Self.oeTime)
        let instance = try await oeInstance(fixture)
        let token = try await fixture.service.attest(try oeRequest(nonce: "n-123"), instance: instance, caller: Self.reader)
        let claims = try await fixture.validatedClaims(token, instance: instance)
        #expect(claims["x-ms-runtime"]?["jwk"]?["kty"]?.stringValue == "EC")
        #expect(claims["x-ms-sgx-ehd"] == nil)
        #expect(claims["x-ms-attestation-type"]?.stringValue == "sgx")
        #expect(claims["x-ms-ver"]?.stringValue == "1.0")
        #expect(claims["x-ms-sgx-mrenclave"]?.stringValue == "b779202618becb636768e5d902f28d524222735fafb539ea9ba07c3fc171a1c2")
        #expect(claims["x-ms-sgx-collateral"]?["quotehash"]?.stringValue
            == "949b189c928f25c0a8090ae57d9f481b3435f26fb9a4d7e86e2619770d29c13f")
        #expect(claims["x-ms-sgx-tcb-status"]?.stringValue == "OutOfDate")
        #expect(claims["x-ms-sgx-advisory-ids"]?.arrayValue?.count == 9)
        #expect(claims["x-ms-policy-hash"]?.stringValue == PolicyHash.compute(DefaultPolicies.sgxDocumented))
        // The default policy issues the legacy claims.
        #expect(claims["tee"]?.stringValue == "sgx")
        #expect(claims["is-debuggable"]?.boolValue == false)
        #expect(claims["product-id"]?.integerValue == 1)
        #expect(claims["nonce"]?.stringValue == "n-123")
        #expect(claims["jti"]?.stringValue?.utf8.count == 64)
        // Tokens use the service clock, not the collateral time: 8 hours.
        #expect(claims["iat"]?.integerValue == ServiceFixture.now)
        #expect(claims["exp"]?.integerValue == ServiceFixture.now + 28800)
        #expect(claims["nbf"] == claims["iat"])
    }

    @Test func binaryRuntimeDataIsEchoedAsEHD() async throws {
        let fixture = try Self.fixture(collateral: [Self.oeCollateral], time: Self.oeTime)
        let instance = try await oeInstance(fixture)
        let token = try await fixture.service.attest(try oeRequest(dataType: .binary), instance: instance, caller: Self.reader)
        let claims = try await fixture.validatedClaims(token, instance: instance)
        #expect(claims["x-ms-sgx-ehd"]?.stringValue == Base64.urlEncoded(try SharedData.bytes(Self.oeRuntime)))
        #expect(claims["x-ms-runtime"] == nil)
    }

    @Test func secureDefaultRefusesOutOfDatePlatforms() async throws {
        let fixture = try Self.fixture(collateral: [Self.oeCollateral], time: Self.oeTime)
        let instance = try await fixture.instance("strict", .aad)
        do {
            _ = try await fixture.service.attest(try oeRequest(), instance: instance, caller: Self.reader)
            Issue.record("an OutOfDate platform was accepted")
        } catch let error as ServiceError {
            #expect(error.code == .invalidParameter)
            #expect(error.reason.contains("OutOfDate"))
            #expect(error.reason.contains("INTEL-SA-00161"))
        }
    }

    @Test func runtimeDataMustMatchReportData() async throws {
        let fixture = try Self.fixture(collateral: [Self.oeCollateral], time: Self.oeTime)
        let instance = try await oeInstance(fixture)
        var wrong = try SharedData.bytes(Self.oeRuntime)
        wrong[wrong.count - 1] ^= 1
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(try oeRequest(runtime: wrong), instance: instance, caller: Self.reader)
        }
        let notJSON = Array("x".utf8)
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(try oeRequest(runtime: notJSON), instance: instance, caller: Self.reader)
        }
    }

    @Test func draftPolicyGivesUnsecuredToken() async throws {
        let fixture = try Self.fixture(collateral: [Self.oeCollateral], time: Self.oeTime)
        let instance = try await oeInstance(fixture)
        let draft = #"version=1.0; authorizationrules{=> permit();}; issuancerules{ => issue(type="custom", value="yes");};"#
        let token = try await fixture.service.attest(try oeRequest(draft: draft), instance: instance, caller: Self.reader)
        #expect(token.hasSuffix("."))
        let parsed = try AttestationToken(compact: token)
        #expect(parsed.isUnsecured)
        #expect(parsed.header.keys == ["alg", "jku", "kid", "typ"])
        let claims = try await fixture.validatedClaims(token, instance: instance, allowUnsecured: true)
        #expect(claims["x-ms-policy-hash"]?.stringValue == PolicyHash.compute(draft))
        #expect(claims["custom"]?.stringValue == "yes")
    }

    @Test func denyReturnsNoToken() async throws {
        let fixture = try Self.fixture(collateral: [Self.oeCollateral], time: Self.oeTime)
        let instance = try await oeInstance(fixture)
        let policy = #"version=1.0; authorizationrules{ [type=="x-ms-sgx-is-debuggable", value==false] => deny(); => permit(); }; issuancerules{};"#
        let jws = try PolicyTokens.setPolicy(policy, signer: nil).compact
        _ = try await fixture.service.setPolicy(jws: jws, type: .openEnclave, instance: instance, caller: .localAdministrator)
        await #expect(throws: ServiceError(.policyEvaluationError, "")) {
            try await fixture.service.attest(try oeRequest(), instance: instance, caller: Self.reader)
        }
        // A bad draft policy is a parsing error.
        await #expect(throws: ServiceError(.policyParsingError, "")) {
            try await fixture.service.attest(try oeRequest(draft: "version=1.0; nope"), instance: instance, caller: Self.reader)
        }
    }

    @Test func sgxQuoteUnderStoredPolicyWithShorterLifetime() async throws {
        let fixture = try Self.fixture(collateral: [Self.sgxCollateral], time: Self.sgxTime)
        let instance = try await fixture.instance("aad", .aad)
        let policy = #"version=1.1; configurationrules{ => issueproperty(type="report_validity_in_minutes", value=60); }; authorizationrules{ c:[type=="x-ms-sgx-tcb-status", value=="ConfigurationAndSWHardeningNeeded"] => permit(); }; issuancerules{ c:[type=="x-ms-sgx-advisory-ids"] => issue(type="advisory", value=c.value); };"#
        let signer = try ServiceFixture.signer("a")
        let jws = try PolicyTokens.setPolicy(policy, signer: signer).compact
        _ = try await fixture.service.setPolicy(jws: jws, type: .sgxEnclave, instance: instance, caller: .localAdministrator)
        let request = AttestationRequest(type: .sgxEnclave, evidence: try SharedData.bytes(Self.sgxQuote))
        let token = try await fixture.service.attest(request, instance: instance, caller: Self.reader)
        let claims = try await fixture.validatedClaims(token, instance: instance)
        #expect(claims["exp"]?.integerValue == ServiceFixture.now + 3600)
        #expect(claims["advisory"]?.arrayValue?.compactMap(\.stringValue) == ["INTEL-SA-00289", "INTEL-SA-00615"])
        #expect(claims["x-ms-policy-signer"]?["x5c"]?.arrayValue?.first?.stringValue
            == Base64.standardEncoded(signer.certificateChainDER[0]))
    }

    @Test func collateralIsJudgedAtTheConfiguredTime() async throws {
        // Without a pinned time the service clock (2027) is past the collateral's validity.
        let unpinned = try Self.fixture(collateral: [Self.sgxCollateral], time: nil)
        let instance = try await unpinned.instance("aad", .aad)
        let request = AttestationRequest(type: .sgxEnclave, evidence: try SharedData.bytes(Self.sgxQuote))
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await unpinned.service.attest(request, instance: instance, caller: Self.reader)
        }
        // Without collateral for the platform.
        let empty = try Self.fixture(collateral: [], time: Self.sgxTime)
        let other = try await empty.instance("aad", .aad)
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await empty.service.attest(request, instance: other, caller: Self.reader)
        }
        // Garbage evidence.
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await empty.service.attest(
                AttestationRequest(type: .sgxEnclave, evidence: [1, 2, 3]), instance: other, caller: Self.reader
            )
        }
    }

    @Test func tcbIdentifierSelectsTheCollateralBaseline() async throws {
        let fixture = try Self.fixture(collateral: [Self.oeCollateral], time: Self.oeTime)
        let instance = try await oeInstance(fixture)
        let number = try #require(fixture.service.evidence.collateral.all.first?.tcbInfo.tcbEvaluationDataNumber)
        func policy(_ identifier: String) -> String {
            #"version=1.1; configurationrules{ => issueproperty(type="x-ms-sgx-tcbidentifier", value="\#(identifier)"); }; authorizationrules{ => permit(); }; issuancerules{};"#
        }
        let matching = try await fixture.service.attest(try oeRequest(draft: policy(String(number))), instance: instance, caller: Self.reader)
        #expect(try AttestationToken(compact: matching).isUnsecured)
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(try oeRequest(draft: policy(String(number + 1))), instance: instance, caller: Self.reader)
        }
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(try oeRequest(draft: policy("newest-please")), instance: instance, caller: Self.reader)
        }
    }
}
