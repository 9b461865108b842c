import Foundation
import MAAService
import MAATesting
import Testing
@testable import MAAStorageSQLite

/// Kills a process that is writing to the store with SIGKILL at many moments, then checks that every transaction
/// was applied completely or not at all.
@Suite("SQLite crash safety (kill -9)")
struct CrashTests {
    static var attestBuilt: Bool { FileManager.default.isExecutableFile(atPath: AttestProcess.executable.path) }

    @Test(.enabled(if: attestBuilt, "needs the attest executable (swift build)"))
    func killedWritersLeaveNoHalfTransactions() async throws {
        let directory = TestScratch.path("store")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<8 {
            let pause = Int.random(in: 50...400, using: &generator)
            let (_, termination) = try await AttestProcess.withRunning(["instance", "_storage-stress", "--data-dir", directory]) {
                process in
                // Wait for "ready", then let it write for a random moment and kill it.
                _ = try await process.output.line(startingWith: "ready")
                try await Task.sleep(for: .milliseconds(pause))
                process.kill()
            }
            #expect(termination == .signaled(SIGKILL))
            try await Self.checkInvariants(directory)
        }
    }

    static func checkInvariants(_ directory: String) async throws {
        try await withSQLiteStore(directory: directory) { (store: SQLiteStore) async throws in
            let integrity: [String] = try await store.read { connection in
                try await connection.query("PRAGMA integrity_check", []).compactMap { $0.column("integrity_check")?.string }
            }
            #expect(integrity == ["ok"])
            for instance in try await store.instances() {
                // createInstance wrote the instance, three signers and a key together; updateSigners rewrites
                // the set to 1, 2 or 3 signers; deleteInstance removes everything.
                let signers = try await store.signers(instance: instance.name)
                #expect((1...3).contains(signers.count), "\(instance.name): \(signers.count) signers")
                #expect(try await store.signingKeys(instance: instance.name).count == 1)
                if let policy = try await store.policy(instance: instance.name, type: .sgxEnclave) {
                    #expect(policy.jws == "policy-\(policy.updatedAt)")
                    #expect(policy.signerX5C == ["x\(policy.updatedAt)"])
                }
            }
            let orphans: Int = try await store.read { connection in
                var count = 0
                for table in ["signers", "signing_keys", "policies"] {
                    let rows = try await connection.query(
                        "SELECT COUNT(*) AS n FROM \(table) WHERE instance NOT IN (SELECT name FROM instances)", []
                    )
                    count += rows.first?.column("n")?.integer ?? -1
                }
                return count
            }
            #expect(orphans == 0)
        }
    }
}
