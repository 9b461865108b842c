/// An authenticated caller.
public struct Principal: Sendable, Hashable {
    /// A stable, non-secret identifier for logs (e.g. `api-token:initial` or an OIDC `sub`).
    public var id: String
    /// The highest role granted.
    public var role: Role

    public init(id: String, role: Role) {
        self.id = id
        self.role = role
    }

    /// Throws `.forbidden` unless this principal has at least `required`.
    public func require(_ required: Role) throws(ServiceError) {
        guard role >= required else {
            throw .forbidden("the caller lacks the \(required.rawValue) role")
        }
    }
}
