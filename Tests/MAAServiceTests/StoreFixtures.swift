import Foundation
import MAAService
import MAATesting
@testable import MAAStorageSQLite

/// Which store implementation a parameterised test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqlite

    var testDescription: String { rawValue }

    /// Runs `body` with a fresh store, closing it afterwards (SQLite connections must be closed).
    func with(_ body: (any AttestationStore) async throws -> Void) async throws {
        switch self {
        case .memory:
            try await body(InMemoryStore())
        case .sqlite:
            try await withSQLiteStore(body)
        }
    }
}

import Testing

/// Real X.509 certificates for use as policy signers (the factory's self-signed RSA certificates).
enum TestCertificates {
    static let signerA: [UInt8] = try! SigningKeyFactory.make(instanceURL: "https://signer-a.test", now: 1_700_000_000)
        .certificateDER
    static let signerB: [UInt8] = try! SigningKeyFactory.make(instanceURL: "https://signer-b.test", now: 1_700_000_000)
        .certificateDER
    static let signerC: [UInt8] = try! SigningKeyFactory.make(instanceURL: "https://signer-c.test", now: 1_700_000_000)
        .certificateDER
}

/// A settable clock for tests.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64
    init(_ value: Int64) { self.value = value }
    var now: Int64 {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

func makeInstance(_ name: String, mode: InstanceMode = .aad) -> InstanceRecord {
    InstanceRecord(name: name, mode: mode, createdAt: 1_700_000_000)
}

func makeKey(_ url: String, now: Int64 = 1_700_000_000) throws -> SigningKeyRecord {
    try SigningKeyFactory.make(instanceURL: url, now: now)
}

/// Opens an SQLite store (optionally with a fault injector), runs `body`, and closes it even if `body` throws.
func withSQLiteStore(
    directory: String = TestScratch.path("store"),
    failingAt step: String? = nil,
    _ body: (SQLiteStore) async throws -> Void
) async throws {
    var injector: (@Sendable (String) throws -> Void)? = nil
    if let step {
        injector = { @Sendable (name: String) throws -> Void in
            if name == step { throw SQLiteDurabilityTests.InjectedFault() }
        }
    }
    let store = try await SQLiteStore.open(directory: directory, logger: .init(label: "test"), faultInjector: injector)
    do {
        try await body(store)
    } catch {
        try await store.close()
        throw error
    }
    try await store.close()
}
