import Foundation
import MAAWire

/// JSON encoding and decoding of the REST bodies that are plain data (errors, metadata, admin objects).
/// Tokens are produced by the JOSE layer, not here.
enum JSONBody {
    static let contentType = "application/json; charset=utf-8"

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        // Encoding these plain structs cannot fail; fall back to an empty object rather than trap.
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    /// Decodes a request body, turning every failure into a 400 with a short reason.
    /// The body is first checked by MAAWire's strict parser (no trailing commas, duplicate keys, BOMs or
    /// excessive depth), then mapped onto `T`.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(HTTPFailure) -> T {
        do {
            _ = try JSONValue(parsing: bytes, options: JSONParsingOptions(maxDepth: 16, maxInputBytes: bytes.count))
        } catch {
            throw .badRequest("the body is not valid JSON: \(error.reason)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, _) {
            throw .badRequest("missing member '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .badRequest("wrong JSON type at '\(path(context.codingPath))'")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .badRequest("null or missing value at '\(path(context.codingPath))'")
        } catch {
            throw .badRequest("the body is not valid JSON of the expected shape")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map(\.stringValue).joined(separator: ".")
    }
}
