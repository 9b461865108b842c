public import MAAModels
import MAADCAP
public import MAAService
import Logging
import SQLiteNIO

import Foundation

/// An ``AttestationStore`` in an embedded SQLite database (`attest.sqlite` in a data directory).
///
/// - The database runs in WAL mode with `synchronous=FULL`, so a committed change survives a crash or
///   `kill -9`, and an uncommitted one leaves no trace.
/// - Every mutating call is one `BEGIN IMMEDIATE … COMMIT` transaction, rolled back on any error.
/// - One connection serves the process; transactions are serialised by a FIFO lock. Other processes (the offline
///   CLI) may use the same file; SQLite's locking plus a busy timeout arbitrates.
/// - The data directory is created owner-only (0700) and the database file 0600: it holds signing keys.
public final class SQLiteStore: AttestationStore, Sendable {
    /// The database file name inside the data directory.
    public static let fileName = "attest.sqlite"

    let connection: SQLiteConnection
    private let lock = AsyncLock()
    private let logger: Logger
    /// Test hook: called with a step name between the statements of a transaction; throwing aborts it there.
    let faultInjector: (@Sendable (String) throws -> Void)?

    private init(connection: SQLiteConnection, logger: Logger, faultInjector: (@Sendable (String) throws -> Void)?) {
        self.connection = connection
        self.logger = logger
        self.faultInjector = faultInjector
    }

    /// Opens (creating if needed) the store in `directory`.
    public static func open(directory: String, logger: Logger = Logger(label: "attest.storage")) async throws -> SQLiteStore {
        try await open(directory: directory, logger: logger, faultInjector: nil)
    }

    static func open(
        directory: String,
        logger: Logger,
        faultInjector: (@Sendable (String) throws -> Void)?
    ) async throws -> SQLiteStore {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ServiceError.storage("data directory path '\(directory)' is not a directory")
            }
        } else {
            try fileManager.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        }
        let path = (directory as NSString).appendingPathComponent(fileName)
        if !fileManager.fileExists(atPath: path) {
            _ = fileManager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let connection: SQLiteConnection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let store = SQLiteStore(connection: connection, logger: logger, faultInjector: faultInjector)
        do {
            try await store.configure()
        } catch {
            try? await connection.close()
            throw error
        }
        return store
    }

    /// Closes the connection. The store must not be used afterwards.
    public func close() async throws {
        await lock.lock()
        defer { Task { await self.lock.unlock() } }
        try await connection.close()
    }

    private func configure() async throws {
        let mode: [SQLiteRow] = try await connection.query("PRAGMA journal_mode=WAL", [])
        guard mode.first?.column("journal_mode")?.string?.lowercased() == "wal" else {
            throw ServiceError.storage("could not switch the database to WAL mode")
        }
        let _: [SQLiteRow] = try await connection.query("PRAGMA synchronous=FULL", [])
        let _: [SQLiteRow] = try await connection.query("PRAGMA foreign_keys=ON", [])
        let _: [SQLiteRow] = try await connection.query("PRAGMA busy_timeout=5000", [])
        try await transaction { connection in
            for statement in Schema.statements {
                let _: [SQLiteRow] = try await connection.query(statement, [])
            }
            let rows: [SQLiteRow] = try await connection.query("SELECT version FROM schema_version", [])
            if let version = rows.first?.column("version")?.integer {
                guard version <= Schema.version else {
                    throw ServiceError.storage("unsupported database schema version \(version) (from a newer build)")
                }
                if version < Schema.version {
                    let _: [SQLiteRow] = try await connection.query(
                        "UPDATE schema_version SET version = ?", [.integer(Schema.version)]
                    )
                }
            } else {
                let _: [SQLiteRow] = try await connection.query(
                    "INSERT INTO schema_version (version) VALUES (?)", [.integer(Schema.version)]
                )
            }
        }
    }

    // MARK: Transactions

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back if anything throws.
    func transaction<T: Sendable>(_ body: @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        await lock.lock()
        do {
            let _: [SQLiteRow] = try await connection.query("BEGIN IMMEDIATE", [])
        } catch {
            await lock.unlock()
            throw error
        }
        do {
            let result = try await body(connection)
            let _: [SQLiteRow] = try await connection.query("COMMIT", [])
            await lock.unlock()
            return result
        } catch {
            do {
                let _: [SQLiteRow] = try await connection.query("ROLLBACK", [])
            } catch let rollbackError {
                logger.error("rollback failed", metadata: ["error": "\(rollbackError)"])
            }
            await lock.unlock()
            throw error
        }
    }

    /// Runs a read outside an explicit transaction (each statement is atomic on its own).
    func read<T: Sendable>(_ body: @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        await lock.lock()
        do {
            let result = try await body(connection)
            await lock.unlock()
            return result
        } catch {
            await lock.unlock()
            throw error
        }
    }

    func step(_ name: String) throws {
        try faultInjector?(name)
    }

    // MARK: AttestationStore

    public func createInstance(_ instance: InstanceRecord, signers: [PolicySigner], signingKey: SigningKeyRecord) async throws {
        try await transaction { connection in
            let existing: [SQLiteRow] = try await connection.query(
                "SELECT name FROM instances WHERE name = ?", [.text(instance.name)]
            )
            guard existing.isEmpty else { throw ServiceError(.conflict, "instance '\(instance.name)' already exists") }
            let _: [SQLiteRow] = try await connection.query(
                "INSERT INTO instances (name, mode, accepted_tcb, base_url, created_at) VALUES (?, ?, ?, ?, ?)",
                [
                    .text(instance.name), .text(instance.mode.rawValue),
                    .text(instance.acceptedTCBStatuses.map(\.rawValue).joined(separator: ",")),
                    instance.baseURL.map { .text($0) } ?? .null, .integer(Int(instance.createdAt)),
                ]
            )
            try self.step("createInstance.afterInstance")
            for signer in signers {
                try await Self.insert(signer, instance: instance.name, on: connection)
            }
            try self.step("createInstance.afterSigners")
            try await Self.insert(signingKey, instance: instance.name, on: connection)
        }
    }

    public func instance(named name: String) async throws -> InstanceRecord? {
        try await read { connection in
            let rows: [SQLiteRow] = try await connection.query(
                "SELECT name, mode, accepted_tcb, base_url, created_at FROM instances WHERE name = ?", [.text(name)]
            )
            return try rows.first.map(Self.instanceRecord)
        }
    }

    public func instances() async throws -> [InstanceRecord] {
        try await read { connection in
            let rows: [SQLiteRow] = try await connection.query(
                "SELECT name, mode, accepted_tcb, base_url, created_at FROM instances ORDER BY name", []
            )
            return try rows.map(Self.instanceRecord)
        }
    }

    public func deleteInstance(named name: String) async throws -> Bool {
        try await transaction { connection in
            let existing: [SQLiteRow] = try await connection.query(
                "SELECT name FROM instances WHERE name = ?", [.text(name)]
            )
            guard !existing.isEmpty else { return false }
            // Children first (explicitly, so the result does not depend on the foreign_keys pragma).
            for table in ["policies", "signers", "signing_keys"] {
                let _: [SQLiteRow] = try await connection.query("DELETE FROM \(table) WHERE instance = ?", [.text(name)])
                try self.step("deleteInstance.after.\(table)")
            }
            let _: [SQLiteRow] = try await connection.query("DELETE FROM instances WHERE name = ?", [.text(name)])
            return true
        }
    }

    public func policy(instance: String, type: AttestationType) async throws -> StoredPolicy? {
        try await read { connection in
            try await Self.requireInstance(instance, on: connection)
            let rows: [SQLiteRow] = try await connection.query(
                "SELECT jws, signer_x5c, updated_at FROM policies WHERE instance = ? AND type = ?",
                [.text(instance), .text(type.rawValue)]
            )
            guard let row = rows.first else { return nil }
            guard let jws = row.column("jws")?.string, let updatedAt = row.column("updated_at")?.integer else {
                throw ServiceError.storage("corrupt policy row")
            }
            let x5c = row.column("signer_x5c")?.string.map { $0.split(separator: ",").map(String.init) }
            return StoredPolicy(jws: jws, signerX5C: x5c, updatedAt: Int64(updatedAt))
        }
    }

    public func setPolicy(instance: String, type: AttestationType, _ policy: StoredPolicy?) async throws {
        try await transaction { connection in
            try await Self.requireInstance(instance, on: connection)
            let _: [SQLiteRow] = try await connection.query(
                "DELETE FROM policies WHERE instance = ? AND type = ?", [.text(instance), .text(type.rawValue)]
            )
            try self.step("setPolicy.afterDelete")
            guard let policy else { return }
            let _: [SQLiteRow] = try await connection.query(
                "INSERT INTO policies (instance, type, jws, signer_x5c, updated_at) VALUES (?, ?, ?, ?, ?)",
                [
                    .text(instance), .text(type.rawValue), .text(policy.jws),
                    policy.signerX5C.map { .text($0.joined(separator: ",")) } ?? .null,
                    .integer(Int(policy.updatedAt)),
                ]
            )
        }
    }

    public func signers(instance: String) async throws -> [PolicySigner] {
        try await read { connection in
            try await Self.requireInstance(instance, on: connection)
            return try await Self.loadSigners(instance: instance, on: connection)
        }
    }

    public func updateSigners<Result: Sendable>(
        instance: String,
        _ update: @Sendable (inout [PolicySigner]) throws -> Result
    ) async throws -> Result {
        try await transaction { connection in
            try await Self.requireInstance(instance, on: connection)
            var signers = try await Self.loadSigners(instance: instance, on: connection)
            let result = try update(&signers)
            let _: [SQLiteRow] = try await connection.query("DELETE FROM signers WHERE instance = ?", [.text(instance)])
            try self.step("updateSigners.afterDelete")
            for signer in signers {
                try await Self.insert(signer, instance: instance, on: connection)
                try self.step("updateSigners.afterInsert")
            }
            return result
        }
    }

    public func signingKeys(instance: String) async throws -> [SigningKeyRecord] {
        try await read { connection in
            try await Self.requireInstance(instance, on: connection)
            let rows: [SQLiteRow] = try await connection.query(
                """
                SELECT kid, private_key, certificate, subject_url, created_at, retired_at
                FROM signing_keys WHERE instance = ? ORDER BY id
                """,
                [.text(instance)]
            )
            return try rows.map { row in
                guard let kid = row.column("kid")?.string,
                    let key = row.column("private_key")?.blob,
                    let certificate = row.column("certificate")?.blob,
                    let subject = row.column("subject_url")?.string,
                    let createdAt = row.column("created_at")?.integer
                else { throw ServiceError.storage("corrupt signing key row") }
                return SigningKeyRecord(
                    kid: kid,
                    privateKeyDER: Array(key.readableBytesView),
                    certificateDER: Array(certificate.readableBytesView),
                    subjectURL: subject,
                    createdAt: Int64(createdAt),
                    retiredAt: row.column("retired_at")?.integer.map { Int64($0) }
                )
            }
        }
    }

    public func rotateSigningKey(
        instance: String,
        newKey: SigningKeyRecord,
        retiredAt: Int64,
        deleteRetiredBefore: Int64
    ) async throws {
        try await transaction { connection in
            try await Self.requireInstance(instance, on: connection)
            let _: [SQLiteRow] = try await connection.query(
                "UPDATE signing_keys SET retired_at = ? WHERE instance = ? AND retired_at IS NULL",
                [.integer(Int(retiredAt)), .text(instance)]
            )
            try self.step("rotateSigningKey.afterRetire")
            let _: [SQLiteRow] = try await connection.query(
                "DELETE FROM signing_keys WHERE instance = ? AND retired_at IS NOT NULL AND retired_at < ?",
                [.text(instance), .integer(Int(deleteRetiredBefore))]
            )
            try await Self.insert(newKey, instance: instance, on: connection)
        }
    }

    public func apiTokens() async throws -> [APITokenRecord] {
        try await read { connection in
            let rows: [SQLiteRow] = try await connection.query(
                "SELECT token_hash, role, label, created_at FROM api_tokens ORDER BY created_at", []
            )
            return try rows.map { row in
                guard let hash = row.column("token_hash")?.string,
                    let role = row.column("role")?.string.flatMap(Role.init(rawValue:)),
                    let label = row.column("label")?.string,
                    let createdAt = row.column("created_at")?.integer
                else { throw ServiceError.storage("corrupt API token row") }
                return APITokenRecord(tokenHash: hash, role: role, label: label, createdAt: Int64(createdAt))
            }
        }
    }

    public func addAPIToken(_ token: APITokenRecord) async throws {
        try await transaction { connection in
            let _: [SQLiteRow] = try await connection.query(
                "INSERT OR REPLACE INTO api_tokens (token_hash, role, label, created_at) VALUES (?, ?, ?, ?)",
                [.text(token.tokenHash), .text(token.role.rawValue), .text(token.label), .integer(Int(token.createdAt))]
            )
        }
    }

    public func serviceContextKeys() async throws -> [ServiceContextKeyRecord] {
        try await read { connection in
            let rows: [SQLiteRow] = try await connection.query(
                "SELECT name, key, created_at FROM service_context_keys ORDER BY created_at, name", []
            )
            return try rows.map { row in
                guard let name = row.column("name")?.string,
                    let key = row.column("key")?.blob,
                    let createdAt = row.column("created_at")?.integer
                else { throw ServiceError.storage("corrupt service-context key row") }
                return ServiceContextKeyRecord(name: name, key: Array(key.readableBytesView), createdAt: Int64(createdAt))
            }
        }
    }

    public func addServiceContextKey(_ key: ServiceContextKeyRecord) async throws {
        try await transaction { connection in
            let _: [SQLiteRow] = try await connection.query(
                "INSERT OR IGNORE INTO service_context_keys (name, key, created_at) VALUES (?, ?, ?)",
                [.text(key.name), .blob(ByteBuffer(bytes: key.key)), .integer(Int(key.createdAt))]
            )
        }
    }

    public func consumeOnce(id: [UInt8], expiresAt: Int64, now: Int64) async throws -> Bool {
        try await transaction { connection in
            let _: [SQLiteRow] = try await connection.query(
                "DELETE FROM used_once WHERE expires_at < ?", [.integer(Int(now))]
            )
            let existing: [SQLiteRow] = try await connection.query(
                "SELECT 1 AS seen FROM used_once WHERE id = ?", [.blob(ByteBuffer(bytes: id))]
            )
            guard existing.isEmpty else { return false }
            try self.step("consumeOnce.beforeInsert")
            let _: [SQLiteRow] = try await connection.query(
                "INSERT INTO used_once (id, expires_at) VALUES (?, ?)",
                [.blob(ByteBuffer(bytes: id)), .integer(Int(expiresAt))]
            )
            return true
        }
    }

    // MARK: Rows

    private static func requireInstance(_ name: String, on connection: SQLiteConnection) async throws {
        let rows: [SQLiteRow] = try await connection.query("SELECT name FROM instances WHERE name = ?", [.text(name)])
        guard !rows.isEmpty else { throw ServiceError.notFound("no instance named '\(name)'") }
    }

    private static func loadSigners(instance: String, on connection: SQLiteConnection) async throws -> [PolicySigner] {
        let rows: [SQLiteRow] = try await connection.query(
            "SELECT der, added_at FROM signers WHERE instance = ? ORDER BY id", [.text(instance)]
        )
        return try rows.map { row in
            guard let der = row.column("der")?.blob, let addedAt = row.column("added_at")?.integer else {
                throw ServiceError.storage("corrupt signer row")
            }
            return PolicySigner(certificateDER: Array(der.readableBytesView), addedAt: Int64(addedAt))
        }
    }

    private static func insert(_ signer: PolicySigner, instance: String, on connection: SQLiteConnection) async throws {
        let _: [SQLiteRow] = try await connection.query(
            "INSERT INTO signers (instance, thumbprint, der, added_at) VALUES (?, ?, ?, ?)",
            [
                .text(instance), .text(signer.thumbprint), .blob(ByteBuffer(bytes: signer.certificateDER)),
                .integer(Int(signer.addedAt)),
            ]
        )
    }

    private static func insert(_ key: SigningKeyRecord, instance: String, on connection: SQLiteConnection) async throws {
        let _: [SQLiteRow] = try await connection.query(
            """
            INSERT INTO signing_keys (instance, kid, private_key, certificate, subject_url, created_at, retired_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(instance), .text(key.kid), .blob(ByteBuffer(bytes: key.privateKeyDER)),
                .blob(ByteBuffer(bytes: key.certificateDER)), .text(key.subjectURL), .integer(Int(key.createdAt)),
                key.retiredAt.map { .integer(Int($0)) } ?? .null,
            ]
        )
    }

    private static func instanceRecord(_ row: SQLiteRow) throws -> InstanceRecord {
        guard let name = row.column("name")?.string,
            let mode = row.column("mode")?.string.flatMap(InstanceMode.init(rawValue:)),
            let accepted = row.column("accepted_tcb")?.string,
            let createdAt = row.column("created_at")?.integer
        else { throw ServiceError.storage("corrupt instance row") }
        var statuses: [TCBStatus] = []
        for name in accepted.split(separator: ",") {
            guard let status = TCBStatus(rawValue: String(name)) else {
                throw ServiceError.storage("corrupt accepted TCB status list")
            }
            statuses.append(status)
        }
        return InstanceRecord(
            name: name,
            mode: mode,
            acceptedTCBStatuses: statuses,
            baseURL: row.column("base_url")?.string,
            createdAt: Int64(createdAt)
        )
    }
}
