import Foundation
import MAAService
import Testing
@testable import MAAStorageSQLite

@Suite("AttestationStore conformance")
struct StoreTests {
    @Test(arguments: StoreKind.allCases)
    func createReadListDelete(kind: StoreKind) async throws {
        try await kind.with { store in
            let key = try makeKey("http://x/a")
            try await store.createInstance(makeInstance("a"), signers: [], signingKey: key)
            try await store.createInstance(makeInstance("b", mode: .shared), signers: [], signingKey: try makeKey("http://x/b"))
            #expect(try await store.instance(named: "a")?.mode == .aad)
            #expect(try await store.instance(named: "zzz") == nil)
            #expect(try await store.instances().map(\.name) == ["a", "b"])
            #expect(try await store.signingKeys(instance: "a") == [key])
            await #expect(throws: ServiceError(.conflict, "")) {
                try await store.createInstance(makeInstance("a"), signers: [], signingKey: key)
            }
            #expect(try await store.deleteInstance(named: "a"))
            #expect(try await !store.deleteInstance(named: "a"))
            #expect(try await store.instances().map(\.name) == ["b"])
            await #expect(throws: ServiceError(.notFound, "")) { try await store.signingKeys(instance: "a") }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func policiesRoundTripExactText(kind: StoreKind) async throws {
        try await kind.with { store in
            try await store.createInstance(makeInstance("a"), signers: [], signingKey: try makeKey("http://x/a"))
            // Exact bytes, including a space after the colon as the Python SDK sends.
            let jws = "eyJhbGciOiJub25lIn0.eyJBdHRlc3RhdGlvblBvbGljeSI6ICJkbVZ5YzJsdmJqMGdNUzR3T3lCaGRYUm9iM0pwZW1GMGFXOXVjbjlzWlhNZ2V5QmpPbHQwZVhCbFBUMGlKR2x6TFdSbFluVm5aMkZpYkdVaVhTQTlQaUJ3WlhKdGFYUW9LVHNnZlRzZyJ9."
            let policy = StoredPolicy(jws: jws, signerX5C: ["MIIB", "MIIC"], updatedAt: 5)
            #expect(try await store.policy(instance: "a", type: .sgxEnclave) == nil)
            try await store.setPolicy(instance: "a", type: .sgxEnclave, policy)
            #expect(try await store.policy(instance: "a", type: .sgxEnclave) == policy)
            #expect(try await store.policy(instance: "a", type: .sgxEnclave)?.jws == jws)
            #expect(try await store.policy(instance: "a", type: .openEnclave) == nil)
            try await store.setPolicy(instance: "a", type: .sgxEnclave, nil)
            #expect(try await store.policy(instance: "a", type: .sgxEnclave) == nil)
            await #expect(throws: ServiceError(.notFound, "")) {
                try await store.setPolicy(instance: "nope", type: .tpm, policy)
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func signersUpdateIsAllOrNothing(kind: StoreKind) async throws {
        try await kind.with { store in
            let a = PolicySigner(certificateDER: TestCertificates.signerA, addedAt: 1)
            try await store.createInstance(makeInstance("i", mode: .isolated), signers: [a], signingKey: try makeKey("http://x/i"))
            let b = PolicySigner(certificateDER: TestCertificates.signerB, addedAt: 2)
            let added = try await store.updateSigners(instance: "i") { signers in
                signers.append(b)
                return signers.count
            }
            #expect(added == 2)
            #expect(try await store.signers(instance: "i").map(\.thumbprint) == [a.thumbprint, b.thumbprint])
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await store.updateSigners(instance: "i") { signers in
                    signers.removeAll()
                    throw Refused()
                }
            }
            #expect(try await store.signers(instance: "i").count == 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func keyRotationRetiresAndPrunes(kind: StoreKind) async throws {
        try await kind.with { store in
            let first = try makeKey("http://x/a", now: 100)
            try await store.createInstance(makeInstance("a"), signers: [], signingKey: first)
            let second = try makeKey("http://x/a", now: 200)
            try await store.rotateSigningKey(instance: "a", newKey: second, retiredAt: 200, deleteRetiredBefore: 0)
            var keys = try await store.signingKeys(instance: "a")
            #expect(keys.map(\.kid) == [first.kid, second.kid])
            #expect(keys.map(\.retiredAt) == [200, nil])
            let third = try makeKey("http://x/a", now: 300)
            try await store.rotateSigningKey(instance: "a", newKey: third, retiredAt: 300, deleteRetiredBefore: 250)
            keys = try await store.signingKeys(instance: "a")
            #expect(keys.map(\.kid) == [second.kid, third.kid])
            #expect(keys.map(\.retiredAt) == [300, nil])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func apiTokensAreStoredByHash(kind: StoreKind) async throws {
        try await kind.with { store in
            #expect(try await store.apiTokens().isEmpty)
            try await store.addAPIToken(APITokenRecord(tokenHash: "ab", role: .reader, label: "r", createdAt: 1))
            try await store.addAPIToken(APITokenRecord(tokenHash: "ab", role: .admin, label: "r2", createdAt: 2))
            #expect(try await store.apiTokens() == [APITokenRecord(tokenHash: "ab", role: .admin, label: "r2", createdAt: 2)])
        }
    }
}
