import ArgumentParser
import MAAClient
import MAAJOSE
import MAAModels
import MAAWire

/// The options of `attest policy get|set|reset`.
struct PolicyTargetOptions: ParsableArguments {
    @Option(name: .customLong("type"), help: "The attestation type: sgx, oe, tpm, snp or tdx.")
    var type: String

    func validate() throws { _ = try Remote.attestationType(type) }

    var attestationType: AttestationType { get throws { try Remote.attestationType(type) } }
}

/// The optional policy-signing key of `set` and `reset`.
struct PolicySigningOptions: ParsableArguments {
    @Option(name: .customLong("signing-key"), help: "PEM private key (RSA or EC) that signs the policy token.")
    var signingKey: String?

    @Option(name: .customLong("signing-cert"), help: "PEM certificate (chain, leaf first) of the signing key.")
    var signingCertificate: String?

    func signer(required: Bool) throws -> PolicyTokenSigner? {
        try Remote.signer(keyPath: signingKey, certificatePath: signingCertificate, required: required)
    }
}

enum PolicyOutput {
    static func render(_ response: AttestationResponse<PolicyResult>, type: AttestationType, extra: [String] = []) throws -> (human: String, json: JSONValue) {
        let result = response.value
        var json = Remote.envelope(token: response.rawToken, requestID: response.requestID, clientRequestID: response.clientRequestID)
        json["type"] = .string(type.rawValue)
        var lines: [String] = []
        if let outcome = result.outcome {
            json["result"] = .string(outcome.rawValue)
            lines.append("\(type.rawValue): \(outcome.rawValue)")
        }
        if let hash = result.policyTokenHash {
            json["policyTokenHash"] = .string(Base64.urlEncoded(hash))
            lines.append("policy token hash: \(Base64.urlEncoded(hash))")
        }
        if let signer = result.policySigner {
            json["policySigner"] = .object(signer.json)
            for der in try signer.certificateChainDER() {
                lines.append("policy signer: \(Remote.certificateJSON(der)["subject"]?.stringValue ?? "(unparsable certificate)")")
            }
        }
        lines.append(contentsOf: extra)
        return (lines.joined(separator: "\n"), .object(json))
    }
}

/// `attest policy get`.
struct PolicyGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Print the policy an attestation instance applies to a type.",
        discussion: "Exit status: 0 on success, 1 if the service or the response fails.")

    @OptionGroup var target: PolicyTargetOptions
    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        let type = try target.attestationType
        let client = try remote.administrationClient(for: type)
        try await remote.run {
            let response = try await client.getPolicy(for: type, options: remote.requestOptions)
            let text = try response.value.policyText()
            var (_, json) = try PolicyOutput.render(response, type: type)
            if case .object(var object) = json {
                object["policy"] = text.map(JSONValue.string) ?? .null
                if let stored = response.value.policyToken { object["policyToken"] = .string(stored.compact) }
                json = .object(object)
            }
            return (text ?? "(no policy set)", json)
        }
    }
}

/// `attest policy set`.
struct PolicySetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Set the policy for a type, unsigned or signed with --signing-key/--signing-cert.",
        discussion: "The service's hash of the token it received is checked against the token sent. Exit status: 0 on success, 1 otherwise.")

    @OptionGroup var target: PolicyTargetOptions
    @Argument(help: "The policy text file.") var file: String
    @OptionGroup var signing: PolicySigningOptions
    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        let type = try target.attestationType
        let policy = String(decoding: try CLI.readBytes(file), as: UTF8.self)
        let signer = try signing.signer(required: false)
        let client = try remote.administrationClient(for: type)
        try await remote.run {
            let response = try await client.setPolicy(policy, for: type, signer: signer, options: remote.requestOptions)
            return try PolicyOutput.render(response, type: type, extra: ["the service received exactly the token sent"])
        }
    }
}

/// `attest policy reset`.
struct PolicyResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset", abstract: "Reset the policy for a type to the instance default.",
        discussion: "Exit status: 0 on success, 1 otherwise.")

    @OptionGroup var target: PolicyTargetOptions
    @OptionGroup var signing: PolicySigningOptions
    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        let type = try target.attestationType
        let signer = try signing.signer(required: false)
        let client = try remote.administrationClient(for: type)
        try await remote.run {
            try PolicyOutput.render(
                try await client.resetPolicy(for: type, signer: signer, options: remote.requestOptions), type: type)
        }
    }
}
