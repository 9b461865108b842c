import Foundation
import Yams

/// One recorded HTTP exchange with the real MAA service (`../shared/maa-data/recordings/*.yaml`, vcrpy format).
public struct RecordedExchange: Sendable {
    /// The recording file name, e.g. `test_attestation.test_attest_sgx_enclave.yaml`.
    public let recording: String
    /// The index of the exchange within its recording.
    public let index: Int
    public let method: String
    public let uri: String
    /// Request headers (first value of each).
    public let requestHeaders: [String: String]
    /// The request body text, or `nil` when there was none.
    public let requestBody: String?
    public let status: Int
    /// Response headers (first value of each), lower-cased names.
    public let responseHeaders: [String: String]
    /// The response body text.
    public let responseBody: String

    /// The request path without the query, e.g. `/attest/SgxEnclave`.
    public var path: String { URLComponents(string: uri)?.path ?? uri }

    /// The `api-version` query parameter, if any.
    public var apiVersion: String? {
        URLComponents(string: uri)?.queryItems?.first { $0.name == "api-version" }?.value
    }
}

/// Loads the recorded MAA traffic.
public enum Recordings {
    /// Every exchange of every recording, in file order.
    public static func all() throws -> [RecordedExchange] {
        var exchanges: [RecordedExchange] = []
        for file in try SharedData.files(in: "maa-data/recordings") where file.hasSuffix(".yaml") {
            exchanges.append(contentsOf: try load(file))
        }
        return exchanges
    }

    /// The exchanges of one recording file.
    public static func load(_ file: String) throws -> [RecordedExchange] {
        let text = try SharedData.text("maa-data/recordings/\(file)")
        guard let root = try Yams.load(yaml: text) as? [String: Any],
            let interactions = root["interactions"] as? [[String: Any]]
        else { throw RecordingError(file: file, reason: "no interactions") }
        return try interactions.enumerated().map { index, interaction in
            guard let request = interaction["request"] as? [String: Any],
                let response = interaction["response"] as? [String: Any],
                let method = request["method"] as? String,
                let uri = request["uri"] as? String,
                let status = (response["status"] as? [String: Any])?["code"] as? Int,
                let body = (response["body"] as? [String: Any])?["string"] as? String
            else { throw RecordingError(file: file, reason: "interaction \(index) is incomplete") }
            return RecordedExchange(
                recording: file, index: index, method: method, uri: uri,
                requestHeaders: headers(request["headers"], lowercased: false),
                requestBody: request["body"] as? String,
                status: status,
                responseHeaders: headers(response["headers"], lowercased: true),
                responseBody: body)
        }
    }

    private static func headers(_ value: Any?, lowercased: Bool) -> [String: String] {
        guard let map = value as? [String: Any] else { return [:] }
        var result: [String: String] = [:]
        for (name, values) in map {
            let first = (values as? [Any])?.first.map { "\($0)" } ?? "\(values)"
            result[lowercased ? name.lowercased() : name] = first
        }
        return result
    }
}

/// A recording file that could not be read.
public struct RecordingError: Error, CustomStringConvertible {
    public let file: String
    public let reason: String
    public var description: String { "\(file): \(reason)" }
}
