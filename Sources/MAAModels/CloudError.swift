public import MAAWire

/// MAA's error body: `{"error":{"code":"…","message":"…"}}` (wire contract §2).
public struct CloudError: Error, Sendable, Hashable {
    /// The error code, e.g. `InvalidParameter`, `PolicyEvaluationError`, `Unauthorized`.
    public let code: String
    /// A human-readable message.
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The JSON body.
    public var json: JSONValue { ["error": ["code": .string(code), "message": .string(message)]] }

    /// The serialized body bytes.
    public var body: [UInt8] { json.serializedBytes(.preservingOrder) }

    /// Reads an error body; `nil` when the bytes are not one.
    public init?(body: some Collection<UInt8>) {
        guard let value = try? JSONValue(parsing: body), let error = value["error"],
            let code = error["code"]?.stringValue, let message = error["message"]?.stringValue
        else { return nil }
        self.init(code: code, message: message)
    }
}
