import ArgumentParser
import MAAClient
import MAAWire

/// `attest metadata`: the instance's OpenID Connect metadata.
struct MetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata",
        abstract: "Show an attestation instance's OpenID metadata (/.well-known/openid-configuration).",
        discussion: "Exit status: 0 on success, 1 if the service or the response fails.")

    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        let client = try remote.attestationClient()
        try await remote.run {
            let response = try await client.getOpenIDMetadata(options: remote.requestOptions)
            let metadata = response.value
            var lines = [
                "issuer:              \(metadata.issuer ?? "(none)")",
                "jwks_uri:            \(metadata.jwksURI ?? "(none)")",
                "signing algorithms:  \(metadata.signingAlgorithmsSupported.joined(separator: ", "))",
                "response types:      \(metadata.responseTypesSupported.joined(separator: ", "))",
            ]
            if let revocation = metadata.revocationEndpoint { lines.append("revocation endpoint: \(revocation)") }
            lines.append("claims supported:    \(metadata.claimsSupported.joined(separator: ", "))")
            return (lines.joined(separator: "\n"), .object(metadata.json))
        }
    }
}
