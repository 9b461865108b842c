import ArgumentParser
import Crypto
import Foundation
import MAAClient
import MAAJOSE
import MAAModels
import MAAPKI
import MAAWire
import X509

/// The options every remote command takes: the instance, the bearer token, and output format.
struct RemoteOptions: ParsableArguments {
    @Option(name: .customLong("url"), help: "The attestation instance URL (e.g. https://contoso.wus.attest.azure.net).")
    var url: String

    @Option(name: .customLong("token"), help: "Bearer token sent to the instance (default: ATTEST_TOKEN from the environment).")
    var token: String?

    @Flag(name: .customLong("allow-insecure-http"), help: "Allow sending the token over plain http (loopback testing only).")
    var allowInsecureHTTP = false

    @Option(name: .customLong("api-version"), help: "The api-version to use (default: 2020-10-01, or 2022-08-01 for snp and tdx).")
    var apiVersion: String?

    @Option(name: .customLong("timeout"), help: "Seconds the whole call may take, retries included (default 120).")
    var timeout: Int = 120

    @Option(name: .customLong("at"), help: "Check token times as of this UNIX time instead of now (for audits and tests).")
    var at: Int64?

    @Flag(help: "Print one JSON object instead of human-readable text.")
    var json = false

    /// The token from `--token` or `ATTEST_TOKEN`.
    var bearerToken: String? {
        if let token, !token.isEmpty { return token }
        if let token = ProcessInfo.processInfo.environment["ATTEST_TOKEN"], !token.isEmpty { return token }
        return nil
    }

    func validate() throws {
        guard let scheme = URL(string: url)?.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw ValidationError("--url must be an http(s) URL")
        }
        if scheme == "http", bearerToken != nil, !allowInsecureHTTP {
            throw ValidationError("refusing to send the token over plain http; use https or pass --allow-insecure-http")
        }
        if let apiVersion, APIVersion(rawValue: apiVersion) == nil {
            throw ValidationError("--api-version must be one of \(APIVersion.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 1 and 3600 seconds") }
    }

    func clientOptions(for type: AttestationType? = nil) -> AttestationClientOptions {
        var options = AttestationClientOptions()
        if let apiVersion, let version = APIVersion(rawValue: apiVersion) {
            options.apiVersion = version
        } else if let type, !APIVersion.v2020_10_01.supports(type) {
            options.apiVersion = .v2022_08_01
        }
        options.unsafeAllowInsecureHTTP = allowInsecureHTTP
        if let at { options.tokenValidation = .at(Date(timeIntervalSince1970: Double(at))) }
        return options
    }

    var requestOptions: RequestOptions { RequestOptions(timeout: .seconds(timeout)) }

    var credential: (any TokenCredential)? { bearerToken.map { StaticTokenCredential($0) } }

    func attestationClient(for type: AttestationType? = nil) throws -> AttestationClient {
        try AttestationClient(endpoint: url, credential: credential, options: clientOptions(for: type))
    }

    func administrationClient(for type: AttestationType? = nil) throws -> AttestationAdministrationClient {
        try AttestationAdministrationClient(endpoint: url, credential: credential, options: clientOptions(for: type))
    }

    /// Runs a remote call, printing its human or JSON output; a client error goes to stderr with exit status 1.
    func run(_ body: () async throws -> (human: String, json: JSONValue)) async throws {
        do {
            let output = try await body()
            print(json ? output.json.serialized(.maa) : output.human)
        } catch let error as AttestationClientError {
            CLI.printError("error: \(Remote.describe(error))")
            throw ExitCode(1)
        } catch let error as JOSEError {
            CLI.printError("error: \(error)")
            throw ExitCode(1)
        }
    }
}

/// Output helpers shared by the remote commands.
enum Remote {
    /// The attestation type named on the command line.
    static func attestationType(_ name: String) throws -> AttestationType {
        switch name.lowercased() {
        case "sgx", "sgxenclave": .sgxEnclave
        case "oe", "openenclave": .openEnclave
        case "tpm": .tpm
        case "snp", "sevsnpvm": .sevSnpVm
        case "tdx", "tdxvm": .tdxVm
        default: throw ValidationError("--type must be sgx, oe, tpm, snp or tdx")
        }
    }

    static func describe(_ error: AttestationClientError) -> String {
        var text = error.reason
        if let status = error.statusCode { text += " (HTTP \(status))" }
        if let validation = error.validationError, !text.contains(validation.reason) { text += ": \(validation)" }
        if let requestID = error.requestID { text += " [x-ms-request-id \(requestID)]" }
        return text
    }

    /// Reads a policy signer: a PEM private key (RSA or EC) and a PEM certificate chain (leaf first).
    static func signer(keyPath: String?, certificatePath: String?, required: Bool) throws -> PolicyTokenSigner? {
        switch (keyPath, certificatePath) {
        case (nil, nil):
            if required { throw ValidationError("--signing-key and --signing-cert are required") }
            return nil
        case (let keyPath?, let certificatePath?):
            let keyText = String(decoding: try CLI.readBytes(keyPath), as: UTF8.self)
            let key = try JWSSigningKey(pemRepresentation: keyText)
            let chain = try PEMCertificates.derBlocks(try CLI.readBytes(certificatePath))
            guard !chain.isEmpty else { throw ValidationError("\(certificatePath) holds no PEM certificate") }
            return try PolicyTokenSigner(key: key, certificateChainDER: chain)
        default:
            throw ValidationError("--signing-key and --signing-cert go together")
        }
    }

    /// One certificate (PEM or DER file) as DER.
    static func certificateDER(_ path: String) throws -> [UInt8] {
        let bytes = try CLI.readBytes(path)
        if bytes.first != 0x30 {
            let blocks = try PEMCertificates.derBlocks(bytes)
            guard blocks.count == 1, let der = blocks.first else { throw ValidationError("\(path) must hold exactly one certificate") }
            return der
        }
        _ = try Certificate(derEncoded: bytes)
        return bytes
    }

    /// A JSON description of a certificate.
    static func certificateJSON(_ der: [UInt8]) -> JSONValue {
        var object: JSONObject = ["x5c": .string(Base64.standardEncoded(der))]
        if let certificate = try? Certificate(derEncoded: der) {
            object["subject"] = .string(certificate.subject.description)
            object["issuer"] = .string(certificate.issuer.description)
            object["notValidBefore"] = .string(ISO8601DateFormatter().string(from: certificate.notValidBefore))
            object["notValidAfter"] = .string(ISO8601DateFormatter().string(from: certificate.notValidAfter))
        }
        object["sha1Thumbprint"] = .string(Hex.encodeUppercase(sha1(der)))
        return .object(object)
    }

    static func sha1(_ bytes: [UInt8]) -> [UInt8] {
        Array(Insecure.SHA1.hash(data: bytes))
    }

    /// The common JSON fields of a response.
    static func envelope(token: String?, requestID: String?, clientRequestID: String) -> JSONObject {
        var object = JSONObject()
        if let token { object["token"] = .string(token) }
        if let requestID { object["requestId"] = .string(requestID) }
        object["clientRequestId"] = .string(clientRequestID)
        return object
    }
}

