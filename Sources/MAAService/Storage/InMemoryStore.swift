public import MAAModels

/// An ``AttestationStore`` held in memory, for tests and ephemeral servers.
///
/// Atomicity comes from the actor: each call computes the new state from a copy and swaps it in whole.
public actor InMemoryStore: AttestationStore {
    private struct InstanceState: Sendable {
        var record: InstanceRecord
        var policies: [AttestationType: StoredPolicy] = [:]
        var signers: [PolicySigner]
        var keys: [SigningKeyRecord]
    }

    private var state: [String: InstanceState] = [:]
    private var tokens: [String: APITokenRecord] = [:]
    private var contextKeys: [ServiceContextKeyRecord] = []
    private var usedOnce: [[UInt8]: Int64] = [:]

    public init() {}

    public func createInstance(_ instance: InstanceRecord, signers: [PolicySigner], signingKey: SigningKeyRecord) throws {
        guard state[instance.name] == nil else {
            throw ServiceError(.conflict, "instance '\(instance.name)' already exists")
        }
        state[instance.name] = InstanceState(record: instance, signers: signers, keys: [signingKey])
    }

    public func instance(named name: String) -> InstanceRecord? { state[name]?.record }

    public func instances() -> [InstanceRecord] { state.values.map(\.record).sorted { $0.name < $1.name } }

    public func deleteInstance(named name: String) -> Bool { state.removeValue(forKey: name) != nil }

    public func policy(instance: String, type: AttestationType) throws -> StoredPolicy? {
        try existing(instance).policies[type]
    }

    public func setPolicy(instance: String, type: AttestationType, _ policy: StoredPolicy?) throws {
        var entry = try existing(instance)
        entry.policies[type] = policy
        state[instance] = entry
    }

    public func signers(instance: String) throws -> [PolicySigner] { try existing(instance).signers }

    public func updateSigners<Result: Sendable>(
        instance: String,
        _ update: @Sendable (inout [PolicySigner]) throws -> Result
    ) throws -> Result {
        var entry = try existing(instance)
        var signers = entry.signers
        let result = try update(&signers)
        entry.signers = signers
        state[instance] = entry
        return result
    }

    public func signingKeys(instance: String) throws -> [SigningKeyRecord] { try existing(instance).keys }

    public func rotateSigningKey(
        instance: String,
        newKey: SigningKeyRecord,
        retiredAt: Int64,
        deleteRetiredBefore: Int64
    ) throws {
        var entry = try existing(instance)
        var keys = entry.keys.map { key -> SigningKeyRecord in
            var key = key
            if key.retiredAt == nil { key.retiredAt = retiredAt }
            return key
        }
        keys.removeAll { ($0.retiredAt ?? Int64.max) < deleteRetiredBefore }
        keys.append(newKey)
        entry.keys = keys
        state[instance] = entry
    }

    public func apiTokens() -> [APITokenRecord] { tokens.values.sorted { $0.createdAt < $1.createdAt } }

    public func addAPIToken(_ token: APITokenRecord) { tokens[token.tokenHash] = token }

    public func serviceContextKeys() -> [ServiceContextKeyRecord] { contextKeys }

    public func addServiceContextKey(_ key: ServiceContextKeyRecord) {
        guard !contextKeys.contains(where: { $0.name == key.name }) else { return }
        contextKeys.append(key)
    }

    public func consumeOnce(id: [UInt8], expiresAt: Int64, now: Int64) -> Bool {
        usedOnce = usedOnce.filter { $0.value >= now }
        guard usedOnce[id] == nil else { return false }
        usedOnce[id] = expiresAt
        return true
    }

    private func existing(_ name: String) throws -> InstanceState {
        guard let entry = state[name] else { throw ServiceError.notFound("no instance named '\(name)'") }
        return entry
    }
}
