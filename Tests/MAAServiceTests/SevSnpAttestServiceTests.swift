import Crypto
import Foundation
import MAADCAP
import MAAJOSE
import MAAPolicy
import MAASEVSNP
import MAAService
import MAATesting
import MAAWire
import Testing

/// `/attest/SevSnpVm` in the service core: the real Milan evidence at its pinned time, and test-PKI reports (own
/// ARK/ASK/VCEK injected through the verifier's pin) for what the real report cannot show (data binding, debug).
@Suite("SEV-SNP attestation (service core)")
struct SevSnpAttestServiceTests {
    static let reader = Principal(id: "r", role: .reader)

    static func realFixture() -> ServiceFixture {
        ServiceFixture(evidence: EvidenceVerification(collateralTime: SevSnpTestPKI.milanVerifyTime))
    }

    static func testPKIFixture(_ pki: SevSnpTestPKI) -> ServiceFixture {
        let verifier = SEVSNPVerifier(options: .init(trustAnchors: AMDTrustAnchors(spkiSHA256: [.milan: pki.arkSPKISHA256])))
        return ServiceFixture(evidence: EvidenceVerification(collateralTime: SevSnpTestPKI.milanVerifyTime, sevSnp: verifier))
    }

    static func request(
        _ evidence: [UInt8], runtime: BoundData? = nil, initTime: BoundData? = nil, draft: String? = nil, nonce: String? = nil
    ) -> AttestationRequest {
        AttestationRequest(
            type: .sevSnpVm, evidence: evidence, runtimeData: runtime, initTimeData: initTime, draftPolicyForAttestation: draft,
            nonce: nonce
        )
    }

    static func bound(_ bytes: [UInt8], _ type: BoundData.DataType) -> BoundData {
        BoundData(bytes: bytes, encoded: Base64.urlEncoded(bytes), dataType: type)
    }

    @Test func theMilanReportGivesATokenWithItsClaims() async throws {
        let fixture = Self.realFixture()
        let instance = try await fixture.instance("aad", .aad)
        let token = try await fixture.service.attest(
            Self.request(try SevSnpTestPKI.milanEvidenceDocument(), nonce: "snp-1"), instance: instance, caller: Self.reader
        )
        #expect(try AttestationToken(compact: token).isUnsecured == false)
        let claims = try await fixture.validatedClaims(token, instance: instance)
        let oracle = try JSONValue(parsing: try SharedData.bytes("evidence/sev-snp/virtee-sev/expected-report_milan.oracle.json"))
        let fields = try #require(oracle["fields"])
        #expect(claims["x-ms-attestation-type"] == "sevsnpvm")
        #expect(claims["x-ms-ver"] == "1.0")
        #expect(claims["nonce"] == "snp-1")
        #expect(claims["x-ms-policy-hash"]?.stringValue == PolicyHash.compute(DefaultPolicies.minimalPermitAll))
        #expect(claims["x-ms-sevsnpvm-launchmeasurement"] == fields["measurement"])
        #expect(claims["x-ms-sevsnpvm-reportdata"] == fields["report_data"])
        #expect(claims["x-ms-sevsnpvm-hostdata"] == fields["host_data"])
        #expect(claims["x-ms-sevsnpvm-idkeydigest"] == fields["id_key_digest"])
        #expect(claims["x-ms-sevsnpvm-authorkeydigest"] == fields["author_key_digest"])
        #expect(claims["x-ms-sevsnpvm-reportid"] == fields["report_id"])
        #expect(claims["x-ms-sevsnpvm-familyId"] == fields["family_id"])
        #expect(claims["x-ms-sevsnpvm-imageId"] == fields["image_id"])
        // §8's example mapping, with JSON types (C52: booleans are booleans, SVNs numbers).
        #expect(claims["x-ms-sevsnpvm-bootloader-svn"] == .integer(3))
        #expect(claims["x-ms-sevsnpvm-tee-svn"] == .integer(0))
        #expect(claims["x-ms-sevsnpvm-snpfw-svn"] == .integer(8))
        #expect(claims["x-ms-sevsnpvm-microcode-svn"] == .integer(115))
        #expect(claims["x-ms-sevsnpvm-smt-allowed"] == .bool(true))
        #expect(claims["x-ms-sevsnpvm-is-debuggable"] == .bool(false))
        #expect(claims["x-ms-sevsnpvm-migration-allowed"] == .bool(false))
        #expect(claims["x-ms-sevsnpvm-vmpl"] == .integer(0))
        #expect(claims["x-ms-sevsnpvm-guestsvn"] == .integer(0))
        #expect(claims["x-ms-compliance-status"] == nil)
        // Policy-only additions stay out of the token.
        #expect(claims["x-ms-sevsnpvm-product"] == nil)
    }

    @Test func tamperedOrUnboundEvidenceIsRefused() async throws {
        let fixture = Self.realFixture()
        let instance = try await fixture.instance("aad", .aad)
        var report = try SevSnpTestPKI.milanReport()
        report[21] ^= 0x01
        let tampered = SevSnpTestPKI.evidenceDocument(report: report, certificates: try SevSnpTestPKI.milanChain())
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(Self.request(tampered), instance: instance, caller: Self.reader)
        }
        // The real report's REPORT_DATA binds no runtime data we have.
        let unbound = Self.request(try SevSnpTestPKI.milanEvidenceDocument(), runtime: Self.bound(Array("{}".utf8), .json))
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(unbound, instance: instance, caller: Self.reader)
        }
        let initTime = Self.request(try SevSnpTestPKI.milanEvidenceDocument(), initTime: Self.bound([1], .binary))
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(initTime, instance: instance, caller: Self.reader)
        }
        // At a time after the VCEK expired.
        let late = ServiceFixture(evidence: EvidenceVerification(collateralTime: 1_924_992_000))
        let lateInstance = try await late.instance("aad", .aad)
        do {
            _ = try await late.service.attest(Self.request(try SevSnpTestPKI.milanEvidenceDocument()), instance: lateInstance, caller: Self.reader)
            Issue.record("an expired VCEK was accepted")
        } catch let error as ServiceError {
            #expect(error.code == .invalidParameter)
            #expect(error.reason.contains("certificateExpired(vcek)"))
        }
    }

    @Test func runtimeAndInitTimeDataBindWithATestPKIReport() async throws {
        let pki = try SevSnpTestPKI()
        let fixture = Self.testPKIFixture(pki)
        let instance = try await fixture.instance("aad", .aad)
        let runtime = Array(#"{"keys":[{"kty":"EC","crv":"P-256"}],"vm-configuration":{"secure-boot":true}}"#.utf8)
        let initTime = Array("host-supplied".utf8)
        let body = SevSnpTestPKI.reportBody(
            reportData: Array(SHA256.hash(data: runtime)) + [UInt8](repeating: 0, count: 32), hostData: Array(SHA256.hash(data: initTime))
        )
        let document = SevSnpTestPKI.evidenceDocument(report: try SevSnpTestPKI.signReport(body, with: pki.vcekKey), certificates: pki.chain)
        let token = try await fixture.service.attest(
            Self.request(document, runtime: Self.bound(runtime, .json), initTime: Self.bound(initTime, .binary)),
            instance: instance, caller: Self.reader
        )
        let claims = try await fixture.validatedClaims(token, instance: instance)
        #expect(claims["x-ms-runtime"]?["vm-configuration"]?["secure-boot"] == .bool(true))
        #expect(claims["x-ms-runtime"]?["keys"]?.arrayValue?.first?["crv"] == "P-256")
        #expect(claims["x-ms-sevsnpvm-hostdata"]?.stringValue == Hex.encode(SHA256.hash(data: initTime)))
        // One byte changed in either → refused.
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(Self.request(document, runtime: Self.bound(runtime + [0x20], .json)), instance: instance, caller: Self.reader)
        }
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(Self.request(document, initTime: Self.bound(runtime, .binary)), instance: instance, caller: Self.reader)
        }
        // AMD's real roots do not accept the test PKI.
        let real = Self.realFixture()
        let realInstance = try await real.instance("aad", .aad)
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await real.service.attest(Self.request(document), instance: realInstance, caller: Self.reader)
        }
    }

    @Test func debugAndVMPLAreTypedClaimsForThePolicy() async throws {
        let pki = try SevSnpTestPKI()
        let fixture = Self.testPKIFixture(pki)
        let instance = try await fixture.instance("aad", .aad)
        let body = SevSnpTestPKI.reportBody(policy: 0x30000 | 1 << 19 | 1 << 18, vmpl: 2)
        let document = SevSnpTestPKI.evidenceDocument(report: try SevSnpTestPKI.signReport(body, with: pki.vcekKey), certificates: pki.chain)
        let token = try await fixture.service.attest(Self.request(document), instance: instance, caller: Self.reader)
        let claims = try await fixture.validatedClaims(token, instance: instance)
        #expect(claims["x-ms-sevsnpvm-is-debuggable"] == .bool(true))
        #expect(claims["x-ms-sevsnpvm-migration-allowed"] == .bool(true))
        #expect(claims["x-ms-sevsnpvm-vmpl"] == .integer(2))
        // A policy refusing debuggable guests denies it.
        let deny = #"version=1.0; authorizationrules{ [type=="x-ms-sevsnpvm-is-debuggable", value==true] => deny(); => permit(); }; issuancerules{};"#
        _ = try await fixture.service.setPolicy(
            jws: try PolicyTokens.setPolicy(deny, signer: nil).compact, type: .sevSnpVm, instance: instance, caller: .localAdministrator
        )
        await #expect(throws: ServiceError(.policyEvaluationError, "")) {
            try await fixture.service.attest(Self.request(document), instance: instance, caller: Self.reader)
        }
    }

    @Test func theSevSnpVmPolicyDecidesOnTheReportClaims() async throws {
        let fixture = Self.realFixture()
        let instance = try await fixture.instance("aad", .aad)
        let document = try SevSnpTestPKI.milanEvidenceDocument()
        // A minimum TCB is a policy rule on the SVN claims (component by component).
        let minimum = """
            version=1.0; authorizationrules{ [type=="x-ms-sevsnpvm-snpfw-svn", value>=9] => permit(); };
            issuancerules{};
            """
        _ = try await fixture.service.setPolicy(
            jws: try PolicyTokens.setPolicy(minimum, signer: nil).compact, type: .sevSnpVm, instance: instance, caller: .localAdministrator
        )
        await #expect(throws: ServiceError(.policyEvaluationError, "")) {
            try await fixture.service.attest(Self.request(document), instance: instance, caller: Self.reader)
        }
        let permit = """
            version=1.0; authorizationrules{ [type=="x-ms-sevsnpvm-snpfw-svn", value>=8] && [type=="x-ms-sevsnpvm-product", value=="Milan"] => permit(); };
            issuancerules{ c:[type=="x-ms-sevsnpvm-microcode-svn"] => issue(type="ucode", value=c.value); };
            """
        _ = try await fixture.service.setPolicy(
            jws: try PolicyTokens.setPolicy(permit, signer: nil).compact, type: .sevSnpVm, instance: instance, caller: .localAdministrator
        )
        let token = try await fixture.service.attest(Self.request(document), instance: instance, caller: Self.reader)
        let claims = try await fixture.validatedClaims(token, instance: instance)
        #expect(claims["ucode"] == .integer(115))
        // A draft policy gives an unsecured token; a refusing draft gives none.
        let draft = #"version=1.0; authorizationrules{=> permit();}; issuancerules{ c:[type=="x-ms-sevsnpvm-vmpl"] => issue(type="vmpl", value=c.value);};"#
        let unsecured = try await fixture.service.attest(Self.request(document, draft: draft), instance: instance, caller: Self.reader)
        let parsed = try AttestationToken(compact: unsecured)
        #expect(parsed.isUnsecured)
        #expect(parsed.claims["vmpl"] == .integer(0))
        let refusing = #"version=1.0; authorizationrules{ [type=="x-ms-sevsnpvm-smt-allowed", value==true] => deny(); }; issuancerules{};"#
        await #expect(throws: ServiceError(.policyEvaluationError, "")) {
            try await fixture.service.attest(Self.request(document, draft: refusing), instance: instance, caller: Self.reader)
        }
    }

    @Test func acceptedTCBStatusesDoNotApplyToSevSnp() async throws {
        let fixture = Self.realFixture()
        let picky = try await fixture.service.createInstance(
            InstanceSpec(name: "picky", mode: .aad, acceptedTCBStatuses: ["SWHardeningNeeded"]), caller: .localAdministrator
        )
        _ = try await fixture.service.attest(Self.request(try SevSnpTestPKI.milanEvidenceDocument()), instance: picky, caller: Self.reader)
    }
}
