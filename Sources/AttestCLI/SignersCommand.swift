import ArgumentParser
import Foundation
import MAAClient
import MAAJOSE
import MAAWire
import SwiftASN1
import X509

/// `attest signers list`: the keys that sign the instance's tokens (`/certs`).
struct SignersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signers",
        abstract: "Inspect the keys an attestation instance signs its tokens with.",
        subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the token signers published at /certs, with their key ids and certificate chains.",
            discussion: "Exit status: 0 on success, 1 if the service or the response fails.")

        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            let client = try remote.attestationClient()
            try await remote.run {
                let response = try await client.getSigningCertificates(options: remote.requestOptions)
                var lines: [String] = []
                var entries: [JSONValue] = []
                for signer in response.value {
                    lines.append("kid \(signer.keyID ?? "(none)")")
                    var chain: [JSONValue] = []
                    for certificate in signer.certificates {
                        var serializer = DER.Serializer()
                        try serializer.serialize(certificate)
                        chain.append(Remote.certificateJSON(serializer.serializedBytes))
                        lines.append("  subject \(certificate.subject), valid until \(CLI.humanTime(certificate.notValidAfter.timeIntervalSince1970))")
                    }
                    var entry: JSONObject = ["certificates": .array(chain)]
                    if let keyID = signer.keyID { entry["kid"] = .string(keyID) }
                    entries.append(.object(entry))
                }
                lines.append("\(response.value.count) signer(s)")
                var json = Remote.envelope(token: nil, requestID: response.requestID, clientRequestID: response.clientRequestID)
                json["signers"] = .array(entries)
                return (lines.joined(separator: "\n"), .object(json))
            }
        }
    }
}
