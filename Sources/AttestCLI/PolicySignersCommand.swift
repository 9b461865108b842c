import ArgumentParser
import MAAClient
import MAAJOSE
import MAAModels
import MAAWire

/// `attest policy-signers list|add|remove`: an isolated instance's policy-management certificates.
struct PolicySignersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy-signers",
        abstract: "List, add or remove the certificates allowed to sign an instance's policies.",
        subcommands: [List.self, Add.self, Remove.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the policy-management certificates.",
            discussion: "Exit status: 0 on success, 1 if the service or the response fails.")

        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            let client = try remote.administrationClient()
            try await remote.run {
                let response = try await client.getPolicyManagementCertificates(options: remote.requestOptions)
                var lines: [String] = []
                var entries: [JSONValue] = []
                for key in response.value.certificates.keys {
                    for der in try key.certificateChainDER().prefix(1) {
                        let description = Remote.certificateJSON(der)
                        entries.append(description)
                        lines.append("\(description["sha1Thumbprint"]?.stringValue ?? "") \(description["subject"]?.stringValue ?? "")")
                    }
                }
                lines.append("\(entries.count) policy signer certificate(s)")
                var json = Remote.envelope(token: response.rawToken, requestID: response.requestID, clientRequestID: response.clientRequestID)
                json["certificates"] = .array(entries)
                return (lines.joined(separator: "\n"), .object(json))
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a policy-management certificate (signed by an existing one).",
            discussion: "Exit status: 0 on success, 1 otherwise.")

        @Argument(help: "The certificate to add (PEM or DER).") var certificate: String
        @OptionGroup var signing: PolicySigningOptions
        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            try await PolicySignersCommand.modify(certificate, signing: signing, remote: remote) { client, der, signer in
                try await client.addPolicyManagementCertificate(der, signer: signer, options: remote.requestOptions)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a policy-management certificate (signed by an existing one).",
            discussion: "Exit status: 0 on success, 1 otherwise.")

        @Argument(help: "The certificate to remove (PEM or DER).") var certificate: String
        @OptionGroup var signing: PolicySigningOptions
        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            try await PolicySignersCommand.modify(certificate, signing: signing, remote: remote) { client, der, signer in
                try await client.removePolicyManagementCertificate(der, signer: signer, options: remote.requestOptions)
            }
        }
    }

    /// Adds or removes `certificate` (PEM or DER) with the signed request `operation` makes, and prints the result.
    static func modify(
        _ certificate: String,
        signing: PolicySigningOptions,
        remote: RemoteOptions,
        _ operation: @escaping (AttestationAdministrationClient, [UInt8], PolicyTokenSigner) async throws
            -> AttestationResponse<PolicyCertificatesModificationResult>
    ) async throws {
        let der = try Remote.certificateDER(certificate)
        let signer = try signing.signer(required: true)
        let client = try remote.administrationClient()
        try await remote.run {
            guard let signer else { throw ValidationError("--signing-key and --signing-cert are required") }
            return render(try await operation(client, der, signer))
        }
    }

    static func render(_ response: AttestationResponse<PolicyCertificatesModificationResult>) -> (human: String, json: JSONValue) {
        var json = Remote.envelope(token: response.rawToken, requestID: response.requestID, clientRequestID: response.clientRequestID)
        json["result"] = .string(response.value.outcome.rawValue)
        json["thumbprint"] = .string(response.value.certificateThumbprint)
        return ("\(response.value.certificateThumbprint): \(response.value.outcome.rawValue)", .object(json))
    }
}
