import MAADCAP
import MAAJOSE
import MAAPolicy
import MAAService
import MAATesting
import MAAWire
import Synchronization
import Testing

/// `/attest/TdxVm` in the service core, on real TDX quotes with their collateral at pinned times.
@Suite("TDX attestation (service core, real evidence)")
struct TdxAttestServiceTests {
    /// dcap-qvl's TDX quote v4 (UpToDate, no advisories) and the reference verifier's output for it.
    static let quote = "evidence/tdx/dcapqvl_tdx_quote.bin"
    static let expected = "evidence/tdx/expected-dcapqvl_tdx_quote.bin.json"
    static let collateral = "evidence/tdx/dcapqvl_tdx_quote_collateral.json"
    static let time: Int64 = 1_752_919_234
    /// dcap-qvl's TDX quote v5 (TD 1.5 body) whose platform matches no TCB level of its collateral.
    static let unmatchedQuote = "evidence/tdx/dcapqvl_tdx_quote_outdated.bin"
    static let unmatchedCollateral = "evidence/tdx/dcapqvl_tdx_quote_outdated_collateral.json"
    static let unmatchedTime: Int64 = 1_774_003_274

    static let reader = Principal(id: "r", role: .reader)

    static func request(
        evidence: [UInt8]? = nil, runtime: BoundData? = nil, initTime: BoundData? = nil, draft: String? = nil, nonce: String? = nil
    ) throws -> AttestationRequest {
        AttestationRequest(
            type: .tdxVm, evidence: try evidence ?? SharedData.bytes(quote), runtimeData: runtime, initTimeData: initTime,
            draftPolicyForAttestation: draft, nonce: nonce
        )
    }

    /// The reference verifier's runs for the quote: collateral file, verification time and expected result.
    static func referenceRuns() throws -> [JSONValue] {
        try JSONValue(parsing: try SharedData.bytes(expected))["runs"]?.arrayValue ?? []
    }

    @Test(arguments: 0..<3)
    func tokenClaimsMatchTheQuote(run index: Int) async throws {
        let runs = try Self.referenceRuns()
        try #require(runs.count == 3)
        let run = runs[index]
        let file = try #require(run["collateral_file"]?.stringValue)
        let time = try #require(run["verify_time_unix"]?.integerValue)
        let result = try #require(run["result"])
        let fields = try #require(result["fields"])
        let fixture = try AttestServiceTests.fixture(collateral: ["evidence/" + file], time: time)
        let instance = try await fixture.instance("aad", .aad)  // the secure default TCB statuses

        let token = try await fixture.service.attest(try Self.request(nonce: "tdx-nonce-1"), instance: instance, caller: Self.reader)
        #expect(try AttestationToken(compact: token).isUnsecured == false)
        let claims = try await fixture.validatedClaims(token, instance: instance)

        #expect(claims["x-ms-attestation-type"]?.stringValue == "tdxvm")
        #expect(claims["eat_profile"]?.stringValue == "https://aka.ms/maa-eat-profile-tdxvm")
        #expect(claims["x-ms-ver"]?.stringValue == "1.0")
        #expect(claims["nonce"]?.stringValue == "tdx-nonce-1")
        #expect(claims["x-ms-policy-hash"]?.stringValue == PolicyHash.compute(DefaultPolicies.minimalPermitAll))
        #expect(claims["jti"]?.stringValue?.utf8.count == 64)
        #expect(claims["iat"]?.integerValue == ServiceFixture.now)
        for (claim, field) in [
            ("tdx_mrtd", "mr_td"), ("tdx_mrseam", "mr_seam"), ("tdx_rtmr0", "rt_mr0"), ("tdx_rtmr1", "rt_mr1"),
            ("tdx_rtmr2", "rt_mr2"), ("tdx_rtmr3", "rt_mr3"), ("tdx_report_data", "report_data"),
            ("tdx_td_attributes", "td_attributes"), ("tdx_tee_tcb_svn", "tee_tcb_svn"), ("tdx_xfam", "xfam"),
            ("tdx_mrconfigid", "mr_config_id"), ("tdx_mrowner", "mr_owner"),
        ] {
            let value = try #require(fields[field]?.stringValue)
            #expect(claims[claim]?.stringValue == value, "\(claim)")
        }
        #expect(claims["attester_tcb_status"]?.stringValue == result["status"]?.stringValue)
        #expect(claims["attester_tcb_status"]?.stringValue == "UpToDate")
        #expect(claims["attester_advisory_ids"]?.arrayValue == result["advisory_ids"]?.arrayValue)
        #expect(claims["attester_advisory_ids"]?.arrayValue == [])
        // TD attributes 0000001000000000: SEPT_VE_DISABLE (bit 28) set, not debuggable.
        #expect(claims["tdx_td_attributes_septve_disable"]?.boolValue == true)
        #expect(claims["tdx_td_attributes_debug"]?.boolValue == false)
        #expect(claims["dbgstat"]?.stringValue == "disabled")
        #expect(claims["tdx_seamsvn"]?.integerValue == 0x0106)
        // Nothing of the SGX profile, and no Azure compliance statement.
        #expect(claims.keys.allSatisfy { !$0.hasPrefix("x-ms-sgx-") })
        #expect(claims["x-ms-compliance-status"] == nil)
    }

    @Test(arguments: [10, 200, 600, 650, 1000, 4000])
    func aFlippedByteIsRefused(offset: Int) async throws {
        let fixture = try AttestServiceTests.fixture(collateral: [Self.collateral], time: Self.time)
        let instance = try await fixture.instance("aad", .aad)
        var quote = try SharedData.bytes(Self.quote)
        quote[offset] ^= 0x01
        let request = try Self.request(evidence: quote)
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(request, instance: instance, caller: Self.reader)
        }
    }

    @Test(arguments: [BoundData.DataType.binary, .json])
    func runtimeDataMustBeBoundToTheReportData(_ dataType: BoundData.DataType) async throws {
        let fixture = try AttestServiceTests.fixture(collateral: [Self.collateral], time: Self.time)
        let instance = try await fixture.instance("aad", .aad)
        // The report data's first 32 bytes are not the SHA-256 of this (or of any known) runtime data.
        let bytes = Array(#"{"key":"not the bound value"}"#.utf8)
        let runtime = BoundData(bytes: bytes, encoded: Base64.urlEncoded(bytes), dataType: dataType)
        do {
            _ = try await fixture.service.attest(try Self.request(runtime: runtime), instance: instance, caller: Self.reader)
            Issue.record("runtime data not bound to the quote was accepted")
        } catch let error as ServiceError {
            #expect(error.code == .invalidParameter)
            #expect(error.reason.contains("runtimeData"))
        }
        // The report data itself (not its preimage) is not bound either.
        let reportData = Array(try SharedData.bytes(Self.quote)[568..<600])
        let raw = BoundData(bytes: reportData, encoded: Base64.urlEncoded(reportData), dataType: .binary)
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(try Self.request(runtime: raw), instance: instance, caller: Self.reader)
        }
    }

    @Test func initTimeDataIsRefusedForTdx() async throws {
        let fixture = try AttestServiceTests.fixture(collateral: [Self.collateral], time: Self.time)
        let instance = try await fixture.instance("aad", .aad)
        let initTime = BoundData(bytes: [1, 2, 3], encoded: Base64.urlEncoded([1, 2, 3]), dataType: .binary)
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(try Self.request(initTime: initTime), instance: instance, caller: Self.reader)
        }
    }

    @Test func wrongCollateralOrTeeTypeIsRefused() async throws {
        // Only SGX collateral: there is none for the TDX platform.
        let sgxOnly = try AttestServiceTests.fixture(collateral: [AttestServiceTests.sgxCollateral], time: Self.time)
        let first = try await sgxOnly.instance("aad", .aad)
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await sgxOnly.service.attest(try Self.request(), instance: first, caller: Self.reader)
        }
        // TDX collateral of another platform (FMSPC 90C06F000000), at a time it is current.
        let otherPlatform = try AttestServiceTests.fixture(collateral: [Self.unmatchedCollateral], time: Self.unmatchedTime)
        let second = try await otherPlatform.instance("aad", .aad)
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await otherPlatform.service.attest(try Self.request(), instance: second, caller: Self.reader)
        }
        // Both kinds of collateral present: a genuine SGX quote sent as TdxVm, and the TDX quote sent as SgxEnclave.
        let both = try AttestServiceTests.fixture(
            collateral: [Self.collateral, AttestServiceTests.sgxCollateral], time: AttestServiceTests.sgxTime
        )
        let third = try await both.instance("aad", .aad)
        do {
            let sgxQuote = try SharedData.bytes(AttestServiceTests.sgxQuote)
            _ = try await both.service.attest(try Self.request(evidence: sgxQuote), instance: third, caller: Self.reader)
            Issue.record("an SGX quote was attested as TdxVm")
        } catch let error as ServiceError {
            #expect(error.code == .invalidParameter)
            #expect(error.reason.contains("SGX quote was sent to /attest/TdxVm"))
        }
        // (At this time the TDX collateral has expired, so a pinned time of its own is used for the other direction.)
        let tdxTime = try AttestServiceTests.fixture(collateral: [Self.collateral], time: Self.time)
        let fourth = try await tdxTime.instance("aad", .aad)
        do {
            _ = try await tdxTime.service.attest(
                AttestationRequest(type: .sgxEnclave, evidence: try SharedData.bytes(Self.quote)), instance: fourth, caller: Self.reader
            )
            Issue.record("a TDX quote was attested as SgxEnclave")
        } catch let error as ServiceError {
            #expect(error.code == .invalidParameter)
            #expect(error.reason.contains("TDX quote was sent to /attest/SgxEnclave"))
        }
    }

    @Test func aTcbStatusTheInstanceDoesNotAcceptIsRefused() async throws {
        let fixture = try AttestServiceTests.fixture(collateral: [Self.collateral], time: Self.time)
        let picky = try await fixture.service.createInstance(
            InstanceSpec(name: "picky", mode: .aad, acceptedTCBStatuses: ["SWHardeningNeeded"]), caller: .localAdministrator
        )
        do {
            _ = try await fixture.service.attest(try Self.request(), instance: picky, caller: Self.reader)
            Issue.record("a TCB status outside the accepted list was accepted")
        } catch let error as ServiceError {
            #expect(error.code == .invalidParameter)
            #expect(error.reason.contains("UpToDate"))
        }
    }

    @Test func aPlatformMatchingNoTcbLevelIsRefusedEvenWhenOutOfDateIsAccepted() async throws {
        let fixture = try AttestServiceTests.fixture(collateral: [Self.unmatchedCollateral], time: Self.unmatchedTime)
        let lenient = try await fixture.service.createInstance(
            InstanceSpec(name: "lenient", mode: .aad, acceptedTCBStatuses: AttestServiceTests.outOfDateToo), caller: .localAdministrator
        )
        let request = try Self.request(evidence: try SharedData.bytes(Self.unmatchedQuote))
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(request, instance: lenient, caller: Self.reader)
        }
    }

    @Test func theInstancePolicyIsEvaluatedOnTdxClaims() async throws {
        let fixture = try AttestServiceTests.fixture(collateral: [Self.collateral], time: Self.time)
        let instance = try await fixture.instance("aad", .aad)
        let mrtd = "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7"
        let permit = """
            version=1.2; authorizationrules{ c:[type=="tdx_mrtd", value=="\(mrtd)"] && [type=="attester_tcb_status", value=="UpToDate"] => permit(); };
            issuancerules{ c:[type=="tdx_td_attributes_debug"] => issue(type="debuggable", value=c.value); c:[type=="tdx_mrtd"] => issue(type="image", value=c.value); };
            """
        _ = try await fixture.service.setPolicy(
            jws: try PolicyTokens.setPolicy(permit, signer: nil).compact, type: .tdxVm, instance: instance, caller: .localAdministrator
        )
        let token = try await fixture.service.attest(try Self.request(), instance: instance, caller: Self.reader)
        let claims = try await fixture.validatedClaims(token, instance: instance)
        #expect(claims["debuggable"]?.boolValue == false)
        #expect(claims["image"]?.stringValue == mrtd)
        #expect(claims["x-ms-policy-hash"]?.stringValue == PolicyHash.compute(permit))

        // The same rule for another image refuses: no token.
        let other = permit.replacingOccurrences(of: "91eb2b44", with: "00000000")
        _ = try await fixture.service.setPolicy(
            jws: try PolicyTokens.setPolicy(other, signer: nil).compact, type: .tdxVm, instance: instance, caller: .localAdministrator
        )
        await #expect(throws: ServiceError(.policyEvaluationError, "")) {
            try await fixture.service.attest(try Self.request(), instance: instance, caller: Self.reader)
        }
        // An explicit deny on a TDX claim refuses too.
        let deny = #"version=1.0; authorizationrules{ [type=="tdx_td_attributes_septve_disable", value==true] => deny(); => permit(); }; issuancerules{};"#
        _ = try await fixture.service.setPolicy(
            jws: try PolicyTokens.setPolicy(deny, signer: nil).compact, type: .tdxVm, instance: instance, caller: .localAdministrator
        )
        await #expect(throws: ServiceError(.policyEvaluationError, "")) {
            try await fixture.service.attest(try Self.request(), instance: instance, caller: Self.reader)
        }
    }

    @Test func aDraftPolicyGivesAnUnsecuredToken() async throws {
        let fixture = try AttestServiceTests.fixture(collateral: [Self.collateral], time: Self.time)
        let instance = try await fixture.instance("aad", .aad)
        let draft = #"version=1.0; authorizationrules{=> permit();}; issuancerules{ c:[type=="attester_tcb_status"] => issue(type="status", value=c.value);};"#
        let token = try await fixture.service.attest(try Self.request(draft: draft), instance: instance, caller: Self.reader)
        let parsed = try AttestationToken(compact: token)
        #expect(parsed.isUnsecured)
        let claims = try await fixture.validatedClaims(token, instance: instance, allowUnsecured: true)
        #expect(claims["status"]?.stringValue == "UpToDate")
        #expect(claims["x-ms-policy-hash"]?.stringValue == PolicyHash.compute(draft))
        #expect(claims["x-ms-attestation-type"]?.stringValue == "tdxvm")
        // A refusing draft gives no token.
        let refusing = #"version=1.0; authorizationrules{ [type=="tdx_td_attributes_debug", value==false] => deny(); }; issuancerules{};"#
        await #expect(throws: ServiceError(.policyEvaluationError, "")) {
            try await fixture.service.attest(try Self.request(draft: refusing), instance: instance, caller: Self.reader)
        }
    }

    /// A collateral source serving one bundle file, recording what it was asked for.
    final class FileCollateralSource: CollateralSource {
        let path: String
        let requests = Mutex<[CollateralKey]>([])
        init(_ path: String) { self.path = path }
        func fetchCollateral(for key: CollateralKey) async throws -> CollateralBundle {
            requests.withLock { $0.append(key) }
            return try CollateralBundle(jsonBytes: try SharedData.bytes(path))
        }
    }

    @Test func tdxCollateralIsFetchedThroughTheRefresherOnceAndThenStored() async throws {
        let store = CollateralStore()
        let source = FileCollateralSource(Self.collateral)
        let fixture = ServiceFixture(evidence: EvidenceVerification(
            collateral: store, collateralTime: Self.time, refresher: CollateralRefresher(source: source, store: store)
        ))
        let instance = try await fixture.instance("aad", .aad)
        for _ in 0..<2 {
            let token = try await fixture.service.attest(try Self.request(), instance: instance, caller: Self.reader)
            let claims = try await fixture.validatedClaims(token, instance: instance)
            #expect(claims["attester_tcb_status"]?.stringValue == "UpToDate")
        }
        let asked = source.requests.withLock { $0 }
        #expect(asked.count == 1)
        #expect(asked.first?.teeType == .tdx)
        #expect(asked.first.map { Hex.encodeUppercase($0.fmspc) } == "B0C06F000000")
        #expect(store.all.count == 1)
    }

    @Test func aSourceServingSgxCollateralForATdxPlatformDoesNotHelp() async throws {
        let store = CollateralStore()
        let source = FileCollateralSource(AttestServiceTests.sgxCollateral)
        let fixture = ServiceFixture(evidence: EvidenceVerification(
            collateral: store, collateralTime: Self.time, refresher: CollateralRefresher(source: source, store: store)
        ))
        let instance = try await fixture.instance("aad", .aad)
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.attest(try Self.request(), instance: instance, caller: Self.reader)
        }
        #expect(source.requests.withLock { $0.count } == 1)
        #expect(store.all.isEmpty)
    }

    @Test func aTDXQuoteIsNotSevSnpEvidence() async throws {
        let fixture = try AttestServiceTests.fixture(collateral: [Self.collateral], time: Self.time)
        let instance = try await fixture.instance("aad", .aad)
        let request = AttestationRequest(type: .sevSnpVm, evidence: try SharedData.bytes(Self.quote))
        do {
            _ = try await fixture.service.attest(request, instance: instance, caller: Self.reader)
            Issue.record("a TDX quote was attested as SEV-SNP evidence")
        } catch let error as ServiceError {
            #expect(error.code == .invalidParameter)
            #expect(error.reason.contains("envelopeMalformed"))
        }
    }
}
