import MAADCAP
import MAAWire
import X509
import SwiftASN1

/// The service core: instance management, signing keys, metadata, and (as the other layers land) policies and
/// attestation. It knows nothing about HTTP; the server adapter calls it with typed values and a ``Principal``.
public struct AttestationService: Sendable {
    /// Where state lives.
    public let store: any AttestationStore
    /// Settings.
    public let configuration: ServiceConfiguration
    /// Token signing with the instances' keys.
    let tokens: TokenIssuer
    /// Evidence verification (DCAP verifier, collateral, collateral time).
    public let evidence: EvidenceVerification
    /// Host-name routing cache.
    let hosts = HostDirectory()
    /// Per-request lookups, cached for a few seconds.
    let caches = ServiceCaches()

    public init(
        store: any AttestationStore,
        configuration: ServiceConfiguration,
        evidence: EvidenceVerification = EvidenceVerification()
    ) {
        self.store = store
        self.configuration = configuration
        self.evidence = evidence
        tokens = TokenIssuer(backend: configuration.rsaSigningBackend)
    }

    // MARK: Instances

    /// Creates an instance (admin only): validates the spec, generates its signing key and stores it atomically.
    @discardableResult
    public func createInstance(_ spec: InstanceSpec, caller: Principal) async throws -> InstanceRecord {
        try caller.require(.admin)
        try InstanceName.validate(spec.name)
        let statuses = try spec.acceptedTCBStatuses.map { names throws(ServiceError) in
            try TCBStatus.acceptedList(names)
        } ?? TCBStatus.secureDefault
        if let baseURL = spec.baseURL {
            guard InstanceRecord.host(ofURL: baseURL) != nil else {
                throw ServiceError.invalidParameter("base URL must be http(s)://host[:port]")
            }
        }
        let now = configuration.now()
        let signers = try spec.signerCertificatesDER.map { der in
            try Self.validatedSigner(der: der, now: now)
        }
        switch spec.mode {
        case .isolated:
            guard !signers.isEmpty else {
                throw ServiceError.invalidParameter("an isolated instance needs at least one policy-signer certificate")
            }
        case .aad, .shared:
            guard signers.isEmpty else {
                throw ServiceError.invalidParameter("policy-signer certificates are only for isolated instances")
            }
        }
        var unique: [PolicySigner] = []
        for signer in signers where !unique.contains(where: { $0.thumbprint == signer.thumbprint }) {
            unique.append(signer)
        }
        let record = InstanceRecord(
            name: spec.name,
            mode: spec.mode,
            acceptedTCBStatuses: statuses,
            baseURL: spec.baseURL,
            createdAt: now
        )
        let key = try configuration.makeSigningKey(record.url(serverBaseURL: configuration.publicBaseURL), now)
        try await store.createInstance(record, signers: unique, signingKey: key)
        hosts.invalidate()
        caches.evict(instance: record.name)
        return record
    }

    /// All instances (admin only).
    public func listInstances(caller: Principal) async throws -> [InstanceRecord] {
        try caller.require(.admin)
        return try await store.instances()
    }

    /// Deletes an instance and all it owns (admin only). Throws `.notFound` if there is none.
    public func deleteInstance(named name: String, caller: Principal) async throws {
        try caller.require(.admin)
        guard try await store.deleteInstance(named: name) else {
            throw ServiceError.notFound("no instance named '\(name)'")
        }
        hosts.invalidate()
        caches.evict(instance: name)
    }

    /// The instance with this name; throws `.notFound` otherwise.
    public func instance(named name: String) async throws -> InstanceRecord {
        let record = try await caches.instances.value(for: name, now: configuration.now()) {
            try await store.instance(named: name)
        }
        guard let record else { throw ServiceError.notFound("no instance named '\(name)'") }
        return record
    }

    /// The instance whose own base URL has this host name, if any (host-name routing).
    public func instance(forHost host: String) async throws -> InstanceRecord? {
        let name = try await hosts.instanceName(forHost: host.lowercased(), now: configuration.now()) {
            try await store.instances()
        }
        guard let name else { return nil }
        do {
            return try await instance(named: name)
        } catch let error as ServiceError where error.code == .notFound {
            return nil  // deleted since the map was read: fall back to path routing
        }
    }

    /// The URL of an instance: token `iss`, signing-certificate CN.
    public func url(of instance: InstanceRecord) -> String {
        instance.url(serverBaseURL: configuration.publicBaseURL)
    }

    // MARK: Metadata

    /// The `/certs` document: the active key and every retired key whose tokens may still be valid.
    public func signingCertificates(for instance: InstanceRecord) async throws -> SigningCertificates {
        let now = configuration.now()
        let horizon = configuration.maximumTokenLifetime + configuration.keyRetentionSlack
        let keys = try await store.signingKeys(instance: instance.name)
            .filter { key in key.retiredAt.map { $0 + horizon >= now } ?? true }
            .reversed()  // newest (the active key) first
            .map { SigningCertificateKey(x5c: [Base64.standardEncoded($0.certificateDER)], kid: $0.kid) }
        return SigningCertificates(keys: Array(keys))
    }

    /// The OpenID metadata document of an instance.
    public func openIDMetadata(for instance: InstanceRecord) -> OpenIDMetadata {
        OpenIDMetadata(instanceURL: url(of: instance))
    }

    /// The active signing key of an instance.
    public func activeSigningKey(for instance: InstanceRecord) async throws -> SigningKeyRecord {
        let key = try await caches.activeKeys.value(for: instance.name, now: configuration.now()) {
            try await store.signingKeys(instance: instance.name).last(where: { $0.retiredAt == nil })
        }
        guard let key else {
            throw ServiceError.storage("instance '\(instance.name)' has no active signing key")
        }
        return key
    }

    /// Replaces the active signing key with a new one (admin only). The old key stays published until the tokens
    /// it signed have expired; keys retired before that horizon are deleted.
    public func rotateSigningKey(for instance: InstanceRecord, caller: Principal) async throws {
        try caller.require(.admin)
        try await rotate(instance)
    }

    /// Rotates every instance whose active key names a different URL than the instance has now (e.g. after the
    /// server's public URL changed), so `/certs` and `iss` agree. Returns the names of rotated instances.
    @discardableResult
    public func reconcileSigningKeys() async throws -> [String] {
        var rotated: [String] = []
        for instance in try await store.instances() {
            let active = try? await activeSigningKey(for: instance)
            if active?.subjectURL != url(of: instance) {
                try await rotate(instance)
                rotated.append(instance.name)
            }
        }
        return rotated
    }

    private func rotate(_ instance: InstanceRecord) async throws {
        let now = configuration.now()
        let key = try configuration.makeSigningKey(url(of: instance), now)
        let horizon = configuration.maximumTokenLifetime + configuration.keyRetentionSlack
        try await store.rotateSigningKey(
            instance: instance.name,
            newKey: key,
            retiredAt: now,
            deleteRetiredBefore: now - horizon
        )
        caches.activeKeys.remove(instance.name)
    }

    // MARK: Policy signers

    /// The policy-signer certificates of an instance (empty for AAD and shared instances).
    public func policySigners(for instance: InstanceRecord, caller: Principal) async throws -> [PolicySigner] {
        try caller.require(.reader)
        return try await store.signers(instance: instance.name)
    }

    // MARK: API tokens

    /// Makes sure API tokens exist. With `configuredToken`, stores its hash as an admin token and returns `nil`.
    /// Otherwise, if the store has no token yet, generates one, stores its hash and returns the token text,
    /// which the caller prints once; it cannot be recovered later.
    public func bootstrapAPIToken(configuredToken: String?) async throws -> String? {
        if let configuredToken {
            guard configuredToken.utf8.count >= 16 else {
                throw ServiceError.invalidParameter("an API token must be at least 16 characters")
            }
            let hash = StaticTokenAuthenticator.hash(configuredToken)
            if try await !store.apiTokens().contains(where: { $0.tokenHash == hash }) {
                try await store.addAPIToken(
                    APITokenRecord(tokenHash: hash, role: .admin, label: "configured", createdAt: configuration.now())
                )
            }
            return nil
        }
        guard try await store.apiTokens().isEmpty else { return nil }
        let token = StaticTokenAuthenticator.generateToken()
        try await store.addAPIToken(
            APITokenRecord(
                tokenHash: StaticTokenAuthenticator.hash(token),
                role: .admin,
                label: "initial",
                createdAt: configuration.now()
            )
        )
        return token
    }

    // MARK: Helpers

    /// Parses a DER certificate and wraps it as a signer. Rejects anything that is not an X.509 certificate.
    static func validatedSigner(der: [UInt8], now: Int64) throws -> PolicySigner {
        do {
            _ = try Certificate(derEncoded: der)
        } catch {
            throw ServiceError.invalidParameter("a policy-signer certificate is not a valid X.509 DER certificate")
        }
        return PolicySigner(certificateDER: der, addedAt: now)
    }
}

extension Principal {
    /// The principal of a local administrator acting on the data directory directly (the offline CLI).
    public static let localAdministrator = Principal(id: "local-admin", role: .admin)
}
