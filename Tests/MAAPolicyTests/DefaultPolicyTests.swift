import Foundation
import MAAPolicy
import MAATesting
import Testing

@Suite struct DefaultPolicyTests {
    /// The recorded shared-instance SGX policy and the fields of `sgx/facts.json` used here.
    struct Facts: Decodable {
        let mrenclave_hex: String
        let mrsigner_hex: String
        let isv_prod_id: Int64
        let isv_svn: Int64
        let debug: Bool
    }

    /// The legacy claims and policy hash of a recorded token.
    struct TokenBody: Decodable {
        let isDebuggable: Bool
        let sgxMrsigner: String
        let sgxMrenclave: String
        let productID: Int64
        let svn: Int64
        let tee: String
        let policyHash: String

        enum CodingKeys: String, CodingKey {
            case isDebuggable = "is-debuggable", sgxMrsigner = "sgx-mrsigner", sgxMrenclave = "sgx-mrenclave"
            case productID = "product-id", svn, tee, policyHash = "x-ms-policy-hash"
        }
    }

    struct Exchange: Decodable {
        struct Decoded: Decodable {
            struct Token: Decodable { let body: TokenBody }
            let response_token: Token
        }
        let decoded: Decoded
    }

    /// The incoming claims MAA derives from the recorded quote (§4.1), built from the quote's parsed facts.
    static func incomingClaims() throws -> [Claim] {
        let facts = try JSONDecoder().decode(Facts.self, from: Data(SharedData.bytes("maa-data/sgx/facts.json")))
        return [
            Claim(type: "x-ms-sgx-is-debuggable", value: .boolean(facts.debug)),
            Claim(type: "x-ms-sgx-product-id", value: .integer(facts.isv_prod_id)),
            Claim(type: "x-ms-sgx-mrsigner", value: .string(facts.mrsigner_hex)),
            Claim(type: "x-ms-sgx-mrenclave", value: .string(facts.mrenclave_hex)),
            Claim(type: "x-ms-sgx-svn", value: .integer(facts.isv_svn)),
            Claim(type: "x-ms-attestation-type", value: .string("sgx")),
            Claim(type: "$is-debuggable", value: .boolean(facts.debug)),
            Claim(type: "$product-id", value: .integer(facts.isv_prod_id)),
            Claim(type: "$sgx-mrsigner", value: .string(facts.mrsigner_hex)),
            Claim(type: "$sgx-mrenclave", value: .string(facts.mrenclave_hex)),
            Claim(type: "$svn", value: .integer(facts.isv_svn)),
            Claim(type: "$tee", value: .string("sgx")),
        ]
    }

    @Test(arguments: [
        "attest_sgx_shared_runtime_json_legacy_claims.json", "attest_sgx_shared_runtime_binary_legacy_claims.json",
    ])
    func sharedDefaultReproducesTheRecordedLegacyClaims(_ file: String) throws {
        let exchange = try JSONDecoder().decode(
            Exchange.self, from: Data(SharedData.bytes("maa-data/exchanges/\(file)")))
        let body = exchange.decoded.response_token.body
        let policy = try AttestationPolicy(text: DefaultPolicies.sharedInstance)
        #expect(policy.hash == body.policyHash)

        let result = try policy.evaluate(Self.incomingClaims())
        #expect(result.isPermitted)
        let issued = result.issuedClaims.map { ($0.type, $0.value) }
        #expect(issued.map(\.0) == ["is-debuggable", "sgx-mrsigner", "sgx-mrenclave", "product-id", "svn", "tee"])
        #expect(issued.map(\.1) == [
            .boolean(body.isDebuggable), .string(body.sgxMrsigner), .string(body.sgxMrenclave),
            .integer(body.productID), .integer(body.svn), .string(body.tee),
        ])
    }

    @Test func sharedInstanceTextIsTheRecordedFile() throws {
        let recorded = try SharedData.text("maa-data/policies/shared_instance_default_policy_sgx_openenclave.txt")
        #expect(DefaultPolicies.sharedInstance == recorded)
        #expect(PolicyHash.compute(recorded) == "bROrN897ZfWmWY2V0FLUlu3uwk5xatGnKYHn3zBbSlw")
    }

    @Test func minimalPermitAllIsTheRecordedFile() throws {
        let recorded = try SharedData.text("maa-data/policies/minimal_permit_all_policy.txt")
        #expect(DefaultPolicies.minimalPermitAll == recorded)
        #expect(PolicyHash.compute(recorded) == "z0FRjKS0ssQTNur1V6BV8WIrh9M3fzgTo0EfHRvapWU")
    }

    @Test func documentedDefaultIsTheSpecText() throws {
        let spec = try SharedData.text("docs/policy-language.md")
        let marker = "**SGX / OpenEnclave, current documented default (version 1.1)**"
        let after = try #require(spec.range(of: marker)).upperBound
        let open = try #require(spec.range(of: "```\n", range: after..<spec.endIndex)).upperBound
        let close = try #require(spec.range(of: "\n```", range: open..<spec.endIndex)).lowerBound
        #expect(DefaultPolicies.sgxDocumented == String(spec[open..<close]))
    }

    @Test(arguments: AttestationType.allCases)
    func defaultsParseAndPermit(_ type: AttestationType) throws {
        guard let text = DefaultPolicies.text(for: type) else {
            #expect(type == .tpm, "only TPM has no default policy")
            return
        }
        let result = try AttestationPolicy(text: text).evaluate(Self.incomingClaims())
        #expect(result.isPermitted)
    }

    @Test func configurationIsKnownBeforeEvaluation() throws {
        let documented = try AttestationPolicy(text: DefaultPolicies.sgxDocumented)
        #expect(documented.configuration.entries.map(\.name) == ["x-ms-sgx-tcbidentifier"])
        #expect(documented.configuration.sgxTCBIdentifier == "azuredefault")
        let shared = try AttestationPolicy(text: DefaultPolicies.sharedInstance)
        #expect(shared.configuration.entries.isEmpty)
        #expect(shared.configuration.sgxTCBIdentifier == "azuredefault")
    }

    @Test func tcbIdentifierAllowList() throws {
        let parser = PolicyParser(tcbIdentifiers: ["azuredefault", "15"])
        #expect(try AttestationPolicy(text: DefaultPolicies.sgxDocumented, parser: parser).configuration.sgxTCBIdentifier
            == "azuredefault")
        let text = DefaultPolicies.sgxDocumented.replacingOccurrences(of: "\"azuredefault\"", with: "\"9\"")
        #expect(try AttestationPolicy(text: text).configuration.sgxTCBIdentifier == "9")
        #expect {
            try AttestationPolicy(text: text, parser: parser)
        } throws: { error in
            guard let error = error as? PolicyError else { return false }
            return error.code == .parsingError && error.position?.line == 3 && error.position?.column == 56
                && error.reason == "unknown x-ms-sgx-tcbidentifier \"9\"; expecting one of '15', 'azuredefault'"
        }
    }

    @Test func hashCountsEveryByte() {
        let text = DefaultPolicies.minimalPermitAll
        #expect(PolicyHash.compute(text + "\n") != PolicyHash.compute(text))
        #expect(PolicyHash.compute(text + "\n") == PolicyHash.compute(text + "\n"))
    }
}
