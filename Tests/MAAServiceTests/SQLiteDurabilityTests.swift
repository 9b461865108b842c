import Foundation
import MAAService
import MAATesting
import Testing
@testable import MAAStorageSQLite

@Suite("SQLite durability and atomicity")
struct SQLiteDurabilityTests {
    struct InjectedFault: Error {}

    struct Text: Sendable { var value: String? }

    static func count(_ table: String, in store: SQLiteStore) async throws -> Int {
        try await store.read { connection in
            let rows = try await connection.query("SELECT COUNT(*) AS n FROM \(table)", [])
            return rows.first?.column("n")?.integer ?? -1
        }
    }

    @Test func stateSurvivesReopenAndUsesWAL() async throws {
        let directory = TestScratch.path("store")
        try await withSQLiteStore(directory: directory) { (store: SQLiteStore) async throws in
            try await store.createInstance(makeInstance("a"), signers: [], signingKey: try makeKey("http://x/a"))
            try await store.setPolicy(instance: "a", type: .tpm, StoredPolicy(jws: "eyJhbGciOiJub25lIn0..", updatedAt: 1))
        }
        try await withSQLiteStore(directory: directory) { (store: SQLiteStore) async throws in
            #expect(try await store.policy(instance: "a", type: .tpm)?.jws == "eyJhbGciOiJub25lIn0..")
            let mode: Text = try await store.read { connection in
                let rows = try await connection.query("PRAGMA journal_mode", [])
                return Text(value: rows.first?.column("journal_mode")?.string)
            }
            #expect(mode.value == "wal")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: directory)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        let file = try FileManager.default.attributesOfItem(atPath: directory + "/" + SQLiteStore.fileName)
        #expect((file[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    static func schemaVersion(_ store: SQLiteStore) async throws -> Int {
        try await store.read { connection in
            try await connection.query("SELECT version FROM schema_version", []).first?.column("version")?.integer ?? -1
        }
    }

    @Test func versionOneDatabasesMigrateAndNewerOnesAreRefused() async throws {
        let directory = TestScratch.path("store")
        try await withSQLiteStore(directory: directory) { (store: SQLiteStore) async throws in
            try await store.createInstance(makeInstance("a"), signers: [], signingKey: try makeKey("http://x/a"))
            // Make it look like a database written by the version-1 build.
            try await store.transaction { connection in
                _ = try await connection.query("DROP TABLE service_context_keys", [])
                _ = try await connection.query("DROP TABLE used_once", [])
                _ = try await connection.query("UPDATE schema_version SET version = 1", [])
            }
        }
        try await withSQLiteStore(directory: directory) { (store: SQLiteStore) async throws in
            #expect(try await Self.schemaVersion(store) == Schema.version)
            #expect(try await store.instance(named: "a") != nil)
            #expect(try await store.consumeOnce(id: [1, 2], expiresAt: 10, now: 1))
            try await store.transaction { connection in
                _ = try await connection.query("UPDATE schema_version SET version = 99", [])
            }
        }
        await #expect(throws: ServiceError(.storageFailure, "")) {
            try await withSQLiteStore(directory: directory) { _ in }
        }
    }

    @Test func failedConsumeLeavesNoRow() async throws {
        try await withSQLiteStore(failingAt: "consumeOnce.beforeInsert") { (store: SQLiteStore) async throws in
            await #expect(throws: InjectedFault.self) { _ = try await store.consumeOnce(id: [9], expiresAt: 10, now: 1) }
            #expect(try await Self.count("used_once", in: store) == 0)
        }
    }

    @Test(arguments: ["createInstance.afterInstance", "createInstance.afterSigners"])
    func failedCreateLeavesNothing(step: String) async throws {
        try await withSQLiteStore(failingAt: step) { (store: SQLiteStore) async throws in
            let signer = PolicySigner(certificateDER: TestCertificates.signerA, addedAt: 1)
            await #expect(throws: InjectedFault.self) {
                try await store.createInstance(
                    makeInstance("i", mode: .isolated), signers: [signer], signingKey: try makeKey("http://x/i")
                )
            }
            #expect(try await store.instances().isEmpty)
            for table in ["signers", "signing_keys", "policies"] {
                #expect(try await Self.count(table, in: store) == 0)
            }
        }
    }

    @Test func failedSignerRewriteRollsBack() async throws {
        try await withSQLiteStore(failingAt: "updateSigners.afterDelete") { (store: SQLiteStore) async throws in
            let a = PolicySigner(certificateDER: TestCertificates.signerA, addedAt: 1)
            try await store.createInstance(
                makeInstance("i", mode: .isolated), signers: [a], signingKey: try makeKey("http://x/i")
            )
            await #expect(throws: InjectedFault.self) {
                try await store.updateSigners(instance: "i") { signers in
                    signers.append(PolicySigner(certificateDER: TestCertificates.signerB, addedAt: 2))
                }
            }
            // The DELETE ran before the fault; the rollback must have restored the signer.
            #expect(try await store.signers(instance: "i") == [a])
        }
    }

    @Test func failedPolicyReplaceKeepsOldPolicy() async throws {
        let directory = TestScratch.path("store")
        try await withSQLiteStore(directory: directory) { (store: SQLiteStore) async throws in
            try await store.createInstance(makeInstance("a"), signers: [], signingKey: try makeKey("http://x/a"))
            try await store.setPolicy(instance: "a", type: .sgxEnclave, StoredPolicy(jws: "old", updatedAt: 1))
        }
        try await withSQLiteStore(directory: directory, failingAt: "setPolicy.afterDelete") { (store: SQLiteStore) async throws in
            await #expect(throws: InjectedFault.self) {
                try await store.setPolicy(instance: "a", type: .sgxEnclave, StoredPolicy(jws: "new", updatedAt: 2))
            }
            #expect(try await store.policy(instance: "a", type: .sgxEnclave)?.jws == "old")
        }
        try await withSQLiteStore(directory: directory) { (store: SQLiteStore) async throws in
            #expect(try await store.policy(instance: "a", type: .sgxEnclave)?.jws == "old")
        }
    }

    @Test func failedKeyRotationKeepsActiveKey() async throws {
        try await withSQLiteStore(failingAt: "rotateSigningKey.afterRetire") { (store: SQLiteStore) async throws in
            let key = try makeKey("http://x/a")
            try await store.createInstance(makeInstance("a"), signers: [], signingKey: key)
            await #expect(throws: InjectedFault.self) {
                try await store.rotateSigningKey(
                    instance: "a", newKey: try makeKey("http://x/a"), retiredAt: 5, deleteRetiredBefore: 0
                )
            }
            #expect(try await store.signingKeys(instance: "a") == [key])
        }
    }

    @Test func failedDeleteKeepsEverything() async throws {
        try await withSQLiteStore(failingAt: "deleteInstance.after.signers") { (store: SQLiteStore) async throws in
            try await store.createInstance(makeInstance("a"), signers: [], signingKey: try makeKey("http://x/a"))
            try await store.setPolicy(instance: "a", type: .sgxEnclave, StoredPolicy(jws: "p", updatedAt: 1))
            await #expect(throws: InjectedFault.self) { try await store.deleteInstance(named: "a") }
            #expect(try await store.policy(instance: "a", type: .sgxEnclave)?.jws == "p")
            #expect(try await store.signingKeys(instance: "a").count == 1)
        }
    }

    @Test func concurrentUpdatesDoNotInterleave() async throws {
        try await withSQLiteStore { (store: SQLiteStore) async throws in
            try await store.createInstance(
                makeInstance("i", mode: .isolated), signers: [], signingKey: try makeKey("http://x/i")
            )
            let certificates = [TestCertificates.signerA, TestCertificates.signerB, TestCertificates.signerC]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, der) in certificates.enumerated() {
                    group.addTask {
                        try await store.updateSigners(instance: "i") { signers in
                            signers.append(PolicySigner(certificateDER: der, addedAt: Int64(index)))
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.signers(instance: "i").count == 3)
        }
    }
}
