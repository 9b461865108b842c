public import MAAModels

/// Durable state of the service: instances, their policies, policy signers and signing keys, and API tokens.
///
/// Every mutating call is atomic: it either happens completely or not at all, including after a crash.
/// Implementations: ``InMemoryStore`` (tests) and `SQLiteStore` in `MAAStorageSQLite` (the default).
public protocol AttestationStore: Sendable {
    /// Creates an instance with its initial signers and first signing key. Throws `.conflict` if the name exists.
    func createInstance(_ instance: InstanceRecord, signers: [PolicySigner], signingKey: SigningKeyRecord) async throws

    /// The instance with this name, if any.
    func instance(named name: String) async throws -> InstanceRecord?

    /// All instances, sorted by name.
    func instances() async throws -> [InstanceRecord]

    /// Deletes an instance and everything it owns. Returns whether it existed.
    func deleteInstance(named name: String) async throws -> Bool

    /// The stored policy for an instance and type, or `nil` when none is set (the default applies).
    func policy(instance: String, type: AttestationType) async throws -> StoredPolicy?

    /// Stores (`policy != nil`) or removes (`nil`, i.e. reset) the policy. Throws `.notFound` for an unknown instance.
    func setPolicy(instance: String, type: AttestationType, _ policy: StoredPolicy?) async throws

    /// The instance's policy signers in the order they were added.
    func signers(instance: String) async throws -> [PolicySigner]

    /// Reads the signers, applies `update` and writes the result, all in one transaction. If `update` throws,
    /// nothing changes. Throws `.notFound` for an unknown instance.
    func updateSigners<Result: Sendable>(
        instance: String,
        _ update: @Sendable (inout [PolicySigner]) throws -> Result
    ) async throws -> Result

    /// All signing keys of an instance (active and retired), oldest first.
    func signingKeys(instance: String) async throws -> [SigningKeyRecord]

    /// In one transaction: marks the active key retired at `retiredAt`, adds `newKey` as the active key and
    /// deletes retired keys whose `retiredAt` is before `deleteRetiredBefore`.
    func rotateSigningKey(
        instance: String,
        newKey: SigningKeyRecord,
        retiredAt: Int64,
        deleteRetiredBefore: Int64
    ) async throws

    /// All API tokens.
    func apiTokens() async throws -> [APITokenRecord]

    /// Adds an API token (replacing one with the same hash).
    func addAPIToken(_ token: APITokenRecord) async throws

    /// The keys that seal TPM service contexts, oldest first.
    func serviceContextKeys() async throws -> [ServiceContextKeyRecord]

    /// Adds a service-context key (ignored if one with the same name exists).
    func addServiceContextKey(_ key: ServiceContextKeyRecord) async throws

    /// Records a one-time identifier (a TPM service context) as used, in one transaction that also forgets
    /// identifiers whose `expiresAt` is before `now`. Returns `false` when `id` was already recorded: a replay.
    func consumeOnce(id: [UInt8], expiresAt: Int64, now: Int64) async throws -> Bool
}
