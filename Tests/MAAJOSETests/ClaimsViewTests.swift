import MAAJOSE
import MAAModels
import MAAWire
import Testing

/// The in-place claims path (`AttestationToken.claimsView`, `AttestationResult(token:)`) against the tree path
/// (`JSONValue` claims, `AttestationResult(claims:)`) on every recorded token and on edited claims.
@Suite struct ClaimsViewTests {
    static func expectSame(_ viewed: AttestationResult, _ built: AttestationResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(viewed.claims == built.claims, sourceLocation: sourceLocation)
        #expect(viewed.issuer == built.issuer && viewed.tokenID == built.tokenID, sourceLocation: sourceLocation)
        #expect(viewed.issuedAt == built.issuedAt && viewed.expiration == built.expiration && viewed.notBefore == built.notBefore,
                sourceLocation: sourceLocation)
        #expect(viewed.version == built.version && viewed.attestationType == built.attestationType && viewed.nonce == built.nonce,
                sourceLocation: sourceLocation)
        #expect(viewed.policyHash == built.policyHash && viewed.enclaveHeldData == built.enclaveHeldData, sourceLocation: sourceLocation)
        #expect(viewed.policySigner?.json == built.policySigner?.json, sourceLocation: sourceLocation)
        #expect(viewed.sgxMrEnclave == built.sgxMrEnclave && viewed.sgxMrSigner == built.sgxMrSigner, sourceLocation: sourceLocation)
        #expect(viewed.sgxProductID == built.sgxProductID && viewed.sgxSVN == built.sgxSVN, sourceLocation: sourceLocation)
        #expect(viewed.sgxIsDebuggable == built.sgxIsDebuggable && viewed.sgxReportData == built.sgxReportData, sourceLocation: sourceLocation)
        #expect(viewed.sgxCollateral == built.sgxCollateral, sourceLocation: sourceLocation)
        #expect(viewed.runtimeClaims == built.runtimeClaims && viewed.initTimeClaims == built.initTimeClaims, sourceLocation: sourceLocation)
        #expect(viewed.confirmation == built.confirmation && viewed.policyClaims == built.policyClaims, sourceLocation: sourceLocation)
    }

    @Test func everyRecordedTokenDecodesTheSameBothWays() throws {
        var decoded = 0
        for (_, token) in RecordedTokenTests.fixture.tokens {
            let tree = try JSONValue(parsing: token.jws.payload.isEmpty ? Array("{}".utf8) : token.jws.payload).objectValue
            #expect(token.claims == tree)
            #expect(token.issuer == tree?["iss"]?.stringValue)
            guard let tree, let built = try? AttestationResult(claims: tree) else {
                #expect((try? AttestationResult(token: token)) == nil)
                continue
            }
            Self.expectSame(try AttestationResult(token: token), built)
            decoded += 1
        }
        #expect(decoded == 83)  // the others (policy and certificate results) fail both ways alike
    }

    /// `claims` is built once and shared by copies of the token, also when first read from several tasks at once.
    @Test func claimsAreBuiltOnceUnderConcurrency() async throws {
        let tokens = try RecordedTokenTests.fixture.tokens.prefix(20).map { try AttestationToken(compact: $0.token.compact) }
        for token in tokens {
            let expected = try JSONValue(parsing: token.jws.payload.isEmpty ? Array("{}".utf8) : token.jws.payload).objectValue
            let results = await withTaskGroup(of: JSONObject.self) { group in
                for _ in 0..<8 { group.addTask { token.claims } }
                return await group.reduce(into: [JSONObject]()) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0 == expected })
        }
    }

    /// One claim edited at a time (wrong type, bad encoding, escapes): both paths accept or reject alike.
    @Test(arguments: [
        ("x-ms-sgx-mrenclave", JSONValue.string("zz")), ("x-ms-sgx-mrenclave", 5), ("x-ms-sgx-mrenclave", "ABCDEF"),
        ("x-ms-policy-hash", "not base64!"), ("x-ms-policy-hash", "Zm9v"), ("x-ms-policy-hash", .array([])),
        ("x-ms-sgx-is-debuggable", "false"), ("x-ms-sgx-svn", 1.5), ("x-ms-sgx-svn", 2.0), ("iss", 1), ("iss", "h\u{e9}\"/\\"),
        ("x-ms-sgx-collateral", "x"), ("x-ms-sgx-collateral", ["qeidhash": "00"]), ("x-ms-runtime", ["a": [1, nil]]),
        ("x-ms-sgx-report-data", "00\u{e9}"), ("cnf", 3), ("x-ms-policy-signer", ["kty": "oct"]),
    ] as [(String, JSONValue)])
    func editedClaimsDecodeTheSameBothWays(_ name: String, _ value: JSONValue) throws {
        guard let original = RecordedTokenTests.fixture.tokens.first(where: { $0.token.claims["x-ms-sgx-mrenclave"] != nil })?.token
        else { Issue.record("no SGX token"); return }
        var claims = original.claims
        claims[name] = value
        let payload = JSONValue.object(claims).serializedBytes(.maa)
        let compact = original.compact.split(separator: ".")[0] + "." + Base64.urlEncoded(payload) + ".c2ln"
        let token = try AttestationToken(compact: String(compact))
        let reparsed = try #require(try JSONValue(parsing: payload).objectValue)
        let built = Result { () throws(JOSEError) in try AttestationResult(claims: reparsed) }
        let viewed = Result { () throws(JOSEError) in try AttestationResult(token: token) }
        switch (viewed, built) {
        case (.success(let viewed), .success(let built)): Self.expectSame(viewed, built)
        case (.failure(let viewedError), .failure(let builtError)): #expect(viewedError.code == builtError.code)
        default: Issue.record("the paths disagree for \(name) = \(value): \(viewed) vs \(built)")
        }
    }
}
