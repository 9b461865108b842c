/// A static API token, stored only as a SHA-256 hash.
public struct APITokenRecord: Sendable, Hashable, Codable {
    /// Lower-case hex SHA-256 of the token text.
    public var tokenHash: String
    /// The role granted to holders of the token.
    public var role: Role
    /// A label for humans (e.g. `initial`).
    public var label: String
    /// Unix seconds at creation.
    public var createdAt: Int64

    public init(tokenHash: String, role: Role, label: String, createdAt: Int64) {
        self.tokenHash = tokenHash
        self.role = role
        self.label = label
        self.createdAt = createdAt
    }
}
