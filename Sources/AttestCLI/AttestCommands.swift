import ArgumentParser
import Foundation
import MAAClient
import MAAModels
import MAAWire

/// The evidence options shared by `attest sgx`, `oe`, `snp` and `tdx`.
struct EvidenceOptions: ParsableArguments {
    @Option(name: .customLong("runtime-data"), help: "File whose bytes the enclave bound into its report data.")
    var runtimeData: String?

    @Flag(name: .customLong("runtime-json"), help: "Send the runtime data as JSON (claims in x-ms-runtime) rather than binary.")
    var runtimeJSON = false

    @Option(name: .customLong("init-time-data"), help: "File with init-time data (config id / host data).")
    var initTimeData: String?

    @Flag(name: .customLong("init-time-json"), help: "Send the init-time data as JSON rather than binary.")
    var initTimeJSON = false

    @Option(name: .customLong("draft-policy"), help: "A policy file to evaluate instead of the instance's (the token is then unsigned).")
    var draftPolicy: String?

    @Option(help: "A nonce echoed in the token.")
    var nonce: String?

    func validate() throws {
        if runtimeJSON, runtimeData == nil { throw ValidationError("--runtime-json needs --runtime-data") }
        if initTimeJSON, initTimeData == nil { throw ValidationError("--init-time-json needs --init-time-data") }
    }

    func data(_ path: String?, json: Bool) throws -> AttestationData? {
        guard let path else { return nil }
        let bytes = try CLI.readBytes(path)
        if json {
            guard (try? JSONValue(parsing: bytes)) != nil else { throw ValidationError("\(path) is not valid JSON") }
            return .json(bytes)
        }
        return .binary(bytes)
    }

    var runtime: AttestationData? { get throws { try data(runtimeData, json: runtimeJSON) } }
    var initTime: AttestationData? { get throws { try data(initTimeData, json: initTimeJSON) } }
    var draft: String? { get throws { try draftPolicy.map { String(decoding: try CLI.readBytes($0), as: UTF8.self) } } }
}

/// Human and JSON output of an attestation result.
enum AttestationOutput {
    static func render(_ response: AttestationResponse<AttestationResult>) -> (human: String, json: JSONValue) {
        let result = response.value
        var lines: [String] = []
        if response.token?.isUnsecured == true {
            lines.append("token: UNSECURED (draft policy; proves nothing)")
        } else {
            lines.append("token: valid, signed by kid \(response.signer?.keyID ?? "(pinned)")")
        }
        func add(_ label: String, _ value: String?) {
            if let value { lines.append(label.padding(toLength: 22, withPad: " ", startingAt: 0) + value) }
        }
        add("issuer", result.issuer)
        add("attestation type", result.attestationType)
        add("mrenclave", result.sgxMrEnclave.map(Hex.encode))
        add("mrsigner", result.sgxMrSigner.map(Hex.encode))
        add("product id", result.sgxProductID.map(String.init))
        add("svn", result.sgxSVN.map(String.init))
        add("debuggable", result.sgxIsDebuggable.map { $0 ? "YES" : "no" })
        add("policy hash", result.policyHash.map(Base64.urlEncoded))
        add("enclave held data", result.enclaveHeldData.map(Hex.encode))
        add("runtime claims", result.runtimeClaims.map { JSONValue.object($0).serialized(.maa) })
        add("nonce", result.nonce)
        add("expires", result.expiration.map { CLI.humanTime($0.timeIntervalSince1970) })
        var json = Remote.envelope(token: response.rawToken, requestID: response.requestID, clientRequestID: response.clientRequestID)
        json["unsecured"] = .bool(response.token?.isUnsecured ?? false)
        json["claims"] = .object(result.claims)
        return (lines.joined(separator: "\n"), .object(json))
    }
}

/// The one flow behind `attest sgx`, `oe`, `snp` and `tdx`: read the evidence file and options, send them to the
/// instance, validate the returned token, print the result.
enum EvidenceAttestation {
    static func run(_ type: AttestationType, evidenceFile: String, evidence: EvidenceOptions, remote: RemoteOptions) async throws {
        let client = try remote.attestationClient(for: type)
        let bytes = try CLI.readBytes(evidenceFile)
        let (runtime, initTime, draft, nonce) = (try evidence.runtime, try evidence.initTime, try evidence.draft, evidence.nonce)
        let options = remote.requestOptions
        try await remote.run {
            guard type != .tpm else { throw ValidationError("TPM attestation is a protocol exchange: use `attest tpm`") }
            let response = try await client.attest(
                type, evidence: bytes, runtimeData: runtime, initTimeData: initTime, draftPolicy: draft, nonce: nonce,
                options: options)
            return AttestationOutput.render(response)
        }
    }
}

/// `attest sgx`: attest an SGX quote with a remote instance.
struct SgxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sgx", abstract: "Attest an SGX enclave quote with an attestation instance.",
        discussion: "Exit status: 0 if the service attested the quote and its token validated, 1 otherwise.")

    @Option(help: "The raw SGX quote file.") var quote: String
    @OptionGroup var evidence: EvidenceOptions
    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        try await EvidenceAttestation.run(.sgxEnclave, evidenceFile: quote, evidence: evidence, remote: remote)
    }
}

/// `attest oe`: attest an OpenEnclave report.
struct OpenEnclaveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oe", abstract: "Attest an OpenEnclave report with an attestation instance.",
        discussion: "Exit status: 0 if the service attested the report and its token validated, 1 otherwise.")

    @Option(help: "The OpenEnclave report file (OE header + SGX quote).") var report: String
    @OptionGroup var evidence: EvidenceOptions
    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        try await EvidenceAttestation.run(.openEnclave, evidenceFile: report, evidence: evidence, remote: remote)
    }
}

/// `attest snp`: attest an AMD SEV-SNP VM (api-version 2022-08-01).
struct SevSnpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snp", abstract: "Attest an AMD SEV-SNP VM with an attestation instance (api-version 2022-08-01).",
        discussion: "Exit status: 0 if the service attested the report and its token validated, 1 otherwise.")

    @Option(help: "MAA's SEV-SNP evidence document (JSON: SnpReport, VcekCertChain), sent base64url-encoded as 'report'.")
    var report: String
    @OptionGroup var evidence: EvidenceOptions
    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        try await EvidenceAttestation.run(.sevSnpVm, evidenceFile: report, evidence: evidence, remote: remote)
    }
}

/// `attest tdx`: attest an Intel TDX VM quote (api-version 2022-08-01).
struct TdxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tdx", abstract: "Attest an Intel TDX VM quote with an attestation instance (api-version 2022-08-01).",
        discussion: "Exit status: 0 if the service attested the quote and its token validated, 1 otherwise.")

    @Option(help: "The TDX quote file.") var quote: String
    @OptionGroup var evidence: EvidenceOptions
    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        try await EvidenceAttestation.run(.tdxVm, evidenceFile: quote, evidence: evidence, remote: remote)
    }
}

/// `attest tpm`: one TPM protocol step.
struct TpmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tpm", abstract: "Send one TPM attestation protocol message and print the service's reply.",
        discussion: "Exit status: 0 on a reply, 1 if the service or the response fails.")

    @Option(help: "The protocol message file (e.g. {\"payload\": {\"type\": \"aikcert\"}}).") var message: String
    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        let client = try remote.attestationClient(for: .tpm)
        let bytes = try CLI.readBytes(message)
        try await remote.run {
            let response = try await client.attestTpm(bytes, options: remote.requestOptions)
            var json = Remote.envelope(token: nil, requestID: response.requestID, clientRequestID: response.clientRequestID)
            json["data"] = .string(Base64.urlEncoded(response.value))
            if let reply = try? JSONValue(parsing: response.value) { json["message"] = reply }
            let human = String(validating: response.value, as: UTF8.self) ?? Hex.encode(response.value)
            return (human, .object(json))
        }
    }
}
