/// A secret AES-256 key that seals the TPM protocol's `service_context` (see ``TPMServiceContext``).
///
/// Keys live in the durable store so that every server sharing it can open contexts any of them issued, and so
/// that a restart does not invalidate contexts in flight. The newest key seals; every stored key opens.
public struct ServiceContextKeyRecord: Sendable, Hashable {
    /// The public key name carried in each context as `ProtectionKeyName`: 64 upper-case hex characters.
    public var name: String
    /// The 32 secret key bytes.
    public var key: [UInt8]
    /// When the key was made (Unix seconds).
    public var createdAt: Int64

    public init(name: String, key: [UInt8], createdAt: Int64) {
        self.name = name
        self.key = key
        self.createdAt = createdAt
    }
}
