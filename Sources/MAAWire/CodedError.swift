/// An error made of a stable ``code`` (compared, hashed, safe as a metrics label) and a human ``reason``.
///
/// Conforming types get equality and hashing on the code alone, so tests can write
/// `#expect(throws: SomeError.someCode)` whatever the reason says.
public protocol CodedError: Error, Hashable, Sendable, CustomStringConvertible {
    associatedtype Code: Hashable & Sendable & CustomStringConvertible
    var code: Code { get }
    var reason: String { get }
}

extension CodedError {
    public var description: String { "\(code): \(reason)" }
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// An error code that is just a name.
public protocol NamedErrorCode: Hashable, Sendable, CustomStringConvertible {
    var name: String { get }
}

extension NamedErrorCode {
    public var description: String { name }
}
