import Crypto
import Foundation
import MAAJOSE
import MAAService
import MAAWire
import Testing

@Suite("Policies and policy signers (service core)")
struct PolicyServiceTests {
    let fixture = ServiceFixture()

    @Test func recordedUnsignedSetGivesRecordedTokenHash() async throws {
        let exchange = try RecordedExchange("set_policy_sgx_aad_unsigned")
        let instance = try await fixture.instance("aad", .aad)
        let contributor = Principal(id: "c", role: .contributor)
        let token = try await fixture.service.setPolicy(
            jws: exchange.requestBody, type: .sgxEnclave, instance: instance, caller: contributor
        )
        let claims = try await fixture.validatedClaims(token, instance: instance)
        #expect(claims["x-ms-policy-token-hash"]?.stringValue == exchange.responseClaims["x-ms-policy-token-hash"] as? String)
        #expect(claims["x-ms-policy-token-hash"]?.stringValue == "pyhI2FKMjRkvpvwS07hLclAyvsi5O4TrnzL5OPsIxzM")
        #expect(claims["x-ms-policy-result"]?.stringValue == "Updated")
        #expect(claims["x-ms-policy-signer"] == nil)
        #expect(claims["exp"]?.integerValue == ServiceFixture.now + 3600)
        #expect(claims["nbf"] == claims["iat"])
        #expect(claims["jti"] == nil)
        #expect(Set(claims.keys) == Set(exchange.responseClaims.keys))

        // GET returns exactly the JWS that was PUT.
        let get = try await fixture.service.policyToken(type: .sgxEnclave, instance: instance, caller: contributor)
        let getClaims = try await fixture.validatedClaims(get, instance: instance)
        #expect(getClaims["x-ms-policy"]?.stringValue == exchange.requestBody)
        #expect(Set(getClaims.keys) == ["exp", "iat", "iss", "nbf", "x-ms-policy"])
    }

    @Test func tokenHeaderIsMAAShaped() async throws {
        let instance = try await fixture.instance("aad", .aad)
        let token = try await fixture.service.policyToken(type: .tpm, instance: instance, caller: Principal(id: "r", role: .reader))
        let parsed = try AttestationToken(compact: token)
        #expect(parsed.header.keys == ["alg", "jku", "kid", "typ"])
        #expect(parsed.header["alg"]?.stringValue == "RS256")
        #expect(parsed.header["jku"]?.stringValue == "http://localhost:8080/aad/certs")
        #expect(parsed.jws.signature.count == 256)
        // An unset TPM policy is the empty unsigned JWS, as MAA returns it.
        #expect(parsed.claims["x-ms-policy"]?.stringValue == "eyJhbGciOiJub25lIn0..")
        // The header and body bytes are compact with sorted keys.
        let parts = token.split(separator: ".")
        let body = String(decoding: try Base64.decode(parts[1], alphabet: .url), as: UTF8.self)
        #expect(!body.contains(" "))
        #expect(body.hasPrefix(#"{"exp":"#))
    }

    @Test(arguments: ["set_policy_sgx_aad_signed_RSA256", "reset_policy_sgx_aad_signed_RSA256"])
    func recordedSignedRequestsOnAAD(name: String) async throws {
        let exchange = try RecordedExchange(name)
        let instance = try await fixture.instance("aad", .aad)
        let caller = Principal(id: "c", role: .contributor)
        let token = name.hasPrefix("set")
            ? try await fixture.service.setPolicy(jws: exchange.requestBody, type: .sgxEnclave, instance: instance, caller: caller)
            : try await fixture.service.resetPolicy(jws: exchange.requestBody, type: .sgxEnclave, instance: instance, caller: caller)
        let claims = try await fixture.validatedClaims(token, instance: instance)
        #expect(Set(claims.keys) == Set(exchange.responseClaims.keys))
        #expect(claims["x-ms-policy-result"]?.stringValue == exchange.responseClaims["x-ms-policy-result"] as? String)
        if let hash = exchange.responseClaims["x-ms-policy-token-hash"] as? String {
            #expect(claims["x-ms-policy-token-hash"]?.stringValue == hash)
            let signer = claims["x-ms-policy-signer"]
            #expect(signer?["x5c"]?.arrayValue?.first?.stringValue == Base64.standardEncoded(try exchange.signerCertificateDER))
            #expect(signer?["kty"]?.stringValue == "RSA")
        }
    }

    @Test func recordedIsolatedSetNeedsTheTrustedSigner() async throws {
        let exchange = try RecordedExchange("set_policy_sgx_isolated_signed_RSA256")
        let caller = Principal(id: "c", role: .contributor)
        let trusted = try await fixture.instance("iso", .isolated, signers: [try exchange.signerCertificateDER])
        let token = try await fixture.service.setPolicy(jws: exchange.requestBody, type: .sgxEnclave, instance: trusted, caller: caller)
        let claims = try await fixture.validatedClaims(token, instance: trusted)
        #expect(claims["x-ms-policy-token-hash"]?.stringValue == exchange.responseClaims["x-ms-policy-token-hash"] as? String)

        // Another isolated instance that trusts a different signer refuses the same JWS.
        let other = try ServiceFixture.signer("other")
        let untrusted = try await fixture.instance("iso2", .isolated, signers: other.certificateChainDER)
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.setPolicy(jws: exchange.requestBody, type: .sgxEnclave, instance: untrusted, caller: caller)
        }
        #expect(try await fixture.store.policy(instance: "iso2", type: .sgxEnclave) == nil)
    }

    @Test func isolatedRejectsUnsignedAndAcceptsOwnSigner() async throws {
        let signer = try ServiceFixture.signer("a")
        let instance = try await fixture.instance("iso", .isolated, signers: signer.certificateChainDER)
        let caller = Principal(id: "c", role: .contributor)
        let unsigned = try PolicyTokens.setPolicy(DefaultPolicies_minimal, signer: nil).compact
        await #expect(throws: ServiceError(.invalidOperation, "")) {
            try await fixture.service.setPolicy(jws: unsigned, type: .openEnclave, instance: instance, caller: caller)
        }
        await #expect(throws: ServiceError(.invalidOperation, "")) {
            try await fixture.service.resetPolicy(jws: "eyJhbGciOiJub25lIn0..", type: .openEnclave, instance: instance, caller: caller)
        }
        let signed = try PolicyTokens.setPolicy(DefaultPolicies_minimal, signer: signer).compact
        _ = try await fixture.service.setPolicy(jws: signed, type: .openEnclave, instance: instance, caller: caller)
        let stored = try await fixture.store.policy(instance: "iso", type: .openEnclave)
        #expect(stored?.jws == signed)
        #expect(stored?.signerX5C == signer.certificateChainDER.map { Base64.standardEncoded($0) })
        let reset = try PolicyTokens.resetPolicy(signer: signer).compact
        let token = try await fixture.service.resetPolicy(jws: reset, type: .openEnclave, instance: instance, caller: caller)
        #expect(try await fixture.validatedClaims(token, instance: instance)["x-ms-policy-result"]?.stringValue == "Removed")
        #expect(try await fixture.store.policy(instance: "iso", type: .openEnclave) == nil)
    }

    @Test(arguments: [
        ("not a jws", "PolicyParsingError"),  // raw policy text that does not parse
        ("a.b", "InvalidOperation"),
        ("eyJhbGciOiJub25lIn0..", "InvalidOperation"),  // empty payload on PUT
        ("eyJhbGciOiJub25lIn0.e30.", "InvalidOperation"),  // no AttestationPolicy
        ("eyJhbGciOiJub25lIn0.eyJBdHRlc3RhdGlvblBvbGljeSI6IiEhIn0.", "InvalidOperation"),  // bad base64url
        ("eyJhbGciOiJub25lIn0.eyJBdHRlc3RhdGlvblBvbGljeSI6ImRtVnljMmx2YmowZ01TNHdPeUJ2YjNCeiJ9.", "PolicyParsingError"),
        ("eyJhbGciOiJub25lIn0.eyJBdHRlc3RhdGlvblBvbGljeSI6IiJ9.c2ln", "InvalidOperation"),  // alg none with signature
    ])
    func badPolicyBodies(body: String, code: String) async throws {
        let instance = try await fixture.instance("aad", .aad)
        do {
            _ = try await fixture.service.setPolicy(jws: body, type: .sgxEnclave, instance: instance, caller: .localAdministrator)
            Issue.record("accepted \(body)")
        } catch let error as ServiceError {
            #expect(error.code.name == code, "\(body): \(error)")
        }
        #expect(try await fixture.store.policy(instance: "aad", type: .sgxEnclave) == nil)
    }

    @Test func rawPolicyTextIsTakenByAADInstancesOnly() async throws {
        let aad = try await fixture.instance("aad", .aad)
        let caller = Principal(id: "c", role: .contributor)
        let token = try await fixture.service.setPolicy(jws: DefaultPolicies_minimal, type: .sgxEnclave, instance: aad, caller: caller)
        let claims = try await fixture.validatedClaims(token, instance: aad)
        #expect(claims["x-ms-policy-result"]?.stringValue == "Updated")
        // Stored as the unsigned JWS the SDK would have sent; the hash is that JWS's.
        let wrapped = try PolicyTokens.setPolicy(DefaultPolicies_minimal, signer: nil).compact
        #expect(try await fixture.store.policy(instance: "aad", type: .sgxEnclave)?.jws == wrapped)
        #expect(claims["x-ms-policy-token-hash"]?.stringValue == Base64.urlEncoded(SHA256.hash(data: Array(wrapped.utf8))))

        let signer = try ServiceFixture.signer("iso")
        let isolated = try await fixture.instance("iso", .isolated, signers: [signer.certificateChainDER[0]])
        await #expect(throws: ServiceError(.invalidOperation, "")) {
            try await fixture.service.setPolicy(jws: DefaultPolicies_minimal, type: .sgxEnclave, instance: isolated, caller: caller)
        }
        #expect(try await fixture.store.policy(instance: "iso", type: .sgxEnclave) == nil)
    }

    @Test func tamperedSignatureIsRejected() async throws {
        let signer = try ServiceFixture.signer("a")
        let instance = try await fixture.instance("aad", .aad)
        var signed = try PolicyTokens.setPolicy(DefaultPolicies_minimal, signer: signer).compact
        signed.removeLast(2)
        signed += signed.hasSuffix("A") ? "BA" : "AA"
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.setPolicy(jws: signed, type: .sgxEnclave, instance: instance, caller: .localAdministrator)
        }
    }

    @Test func sharedAndReadersCannotChangePolicies() async throws {
        let shared = try await fixture.instance("shared", .shared)
        let aad = try await fixture.instance("aad", .aad)
        let jws = try PolicyTokens.setPolicy(DefaultPolicies_minimal, signer: nil).compact
        await #expect(throws: ServiceError(.invalidOperation, "")) {
            try await fixture.service.setPolicy(jws: jws, type: .sgxEnclave, instance: shared, caller: .localAdministrator)
        }
        await #expect(throws: ServiceError(.forbidden, "")) {
            try await fixture.service.setPolicy(jws: jws, type: .sgxEnclave, instance: aad, caller: Principal(id: "r", role: .reader))
        }
        // The shared instance serves its recorded default policy.
        let token = try await fixture.service.policyToken(type: .sgxEnclave, instance: shared, caller: .localAdministrator)
        let policyJWS = try JWS(compact: try await fixture.validatedClaims(token, instance: shared)["x-ms-policy"]?.stringValue ?? "")
        #expect(try PolicyTokens.policyText(of: policyJWS) == SharedDefaultPolicy.text)
    }

    @Test func recordedCertificateAddAndRemove() async throws {
        let add = try RecordedExchange("certificates_add_isolated")
        let remove = try RecordedExchange("certificates_remove_isolated")
        let instance = try await fixture.instance("iso", .isolated, signers: [try add.signerCertificateDER])
        let caller = Principal(id: "c", role: .contributor)
        let jws = try JSONValue(parsing: add.requestBody).stringValue ?? ""
        for _ in 0..<2 {  // idempotent
            let token = try await fixture.service.modifyPolicyCertificates(jws: jws, operation: .isPresent, instance: instance, caller: caller)
            let claims = try await fixture.validatedClaims(token, instance: instance)
            #expect(claims["x-ms-certificate-thumbprint"]?.stringValue == "357E7DA457168E19CE7B3490865F489376ACA381")
            #expect(claims["x-ms-certificate-thumbprint"]?.stringValue == add.responseClaims["x-ms-certificate-thumbprint"] as? String)
            #expect(claims["x-ms-policycertificates-result"]?.stringValue == "IsPresent")
        }
        #expect(try await fixture.store.signers(instance: "iso").count == 2)
        let list = try await fixture.service.policyCertificatesToken(instance: instance, caller: caller)
        let keys = try await fixture.validatedClaims(list, instance: instance)["x-ms-policy-certificates"]?["keys"]?.arrayValue
        #expect(keys?.count == 2)
        #expect(keys?.first?["x5c"]?.arrayValue?.count == 1)

        let removeJWS = try JSONValue(parsing: remove.requestBody).stringValue ?? ""
        for _ in 0..<2 {
            let token = try await fixture.service.modifyPolicyCertificates(jws: removeJWS, operation: .isAbsent, instance: instance, caller: caller)
            let claims = try await fixture.validatedClaims(token, instance: instance)
            #expect(claims["x-ms-policycertificates-result"]?.stringValue == "IsAbsent")
            #expect(claims["x-ms-certificate-thumbprint"]?.stringValue == remove.responseClaims["x-ms-certificate-thumbprint"] as? String)
        }
        #expect(try await fixture.store.signers(instance: "iso").count == 1)
    }

    @Test func lastSignerCannotBeRemovedAndUntrustedCannotAdd() async throws {
        let a = try ServiceFixture.signer("a")
        let b = try ServiceFixture.signer("b", key: ServiceFixture.otherRSA)
        let instance = try await fixture.instance("iso", .isolated, signers: a.certificateChainDER)
        let caller = Principal(id: "c", role: .contributor)
        let removeSelf = try PolicyTokens.policyCertificate(a.certificateChainDER[0], signer: a).compact
        await #expect(throws: ServiceError(.invalidOperation, "")) {
            try await fixture.service.modifyPolicyCertificates(jws: removeSelf, operation: .isAbsent, instance: instance, caller: caller)
        }
        let addByStranger = try PolicyTokens.policyCertificate(b.certificateChainDER[0], signer: b).compact
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await fixture.service.modifyPolicyCertificates(jws: addByStranger, operation: .isPresent, instance: instance, caller: caller)
        }
        #expect(try await fixture.store.signers(instance: "iso").map(\.certificateDER) == a.certificateChainDER)
        // After a adds b, b may remove a.
        let addB = try PolicyTokens.policyCertificate(b.certificateChainDER[0], signer: a).compact
        _ = try await fixture.service.modifyPolicyCertificates(jws: addB, operation: .isPresent, instance: instance, caller: caller)
        let removeA = try PolicyTokens.policyCertificate(a.certificateChainDER[0], signer: b).compact
        _ = try await fixture.service.modifyPolicyCertificates(jws: removeA, operation: .isAbsent, instance: instance, caller: caller)
        #expect(try await fixture.store.signers(instance: "iso").map(\.certificateDER) == b.certificateChainDER)
        // AAD instances have no signers to manage.
        let aad = try await fixture.instance("aad", .aad)
        await #expect(throws: ServiceError(.invalidOperation, "")) {
            try await fixture.service.modifyPolicyCertificates(jws: addB, operation: .isPresent, instance: aad, caller: caller)
        }
    }
}

let DefaultPolicies_minimal = "version=1.0; authorizationrules{=> permit();}; issuancerules{};"

enum SharedDefaultPolicy {
    static let text =
        #"version= 1.0;authorizationrules{=> permit();};issuancerules{c:[type=="x-ms-sgx-is-debuggable"] => issue(type="is-debuggable", value=c.value);c:[type=="x-ms-sgx-mrsigner"] => issue(type="sgx-mrsigner", value=c.value);c:[type=="x-ms-sgx-mrenclave"] => issue(type="sgx-mrenclave", value=c.value);c:[type=="x-ms-sgx-product-id"] => issue(type="product-id", value=c.value);c:[type=="x-ms-sgx-svn"] => issue(type="svn", value=c.value);c:[type=="x-ms-attestation-type"] => issue(type="tee", value=c.value);};"#
}
