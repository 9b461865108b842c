import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MAAJOSE
import MAAWire

/// `attest token …`: decode and verify JWTs such as MAA attestation tokens.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Decode and verify attestation tokens (JWTs).",
        subcommands: [Decode.self, Verify.self]
    )

    struct Decode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a token's header and body without verifying it.")

        @Argument(help: "The token, a file holding it, or - for standard input.")
        var token: String

        @Flag(help: "Print one JSON object {\"header\":…,\"body\":…,\"signature\":…}.")
        var json = false

        func run() async throws {
            let parsed: AttestationToken
            do {
                parsed = try AttestationToken(compact: try CLI.readToken(token))
            } catch let error as JOSEError {
                CLI.printError("error: \(error.reason)")
                throw ExitCode(1)
            }
            if json {
                CLI.printJSON(["header": .object(parsed.header), "body": .object(parsed.claims),
                               "signature": .string(Base64.urlEncoded(parsed.jws.signature))])
                return
            }
            print("Header:")
            print(JSONValue.object(parsed.header).prettyPrinted())
            print("Body:")
            print(JSONValue.object(parsed.claims).prettyPrinted())
            for name in ["iat", "nbf", "exp"] {
                if let seconds = parsed.claims[name]?.doubleValue {
                    print("\(name): \(CLI.humanTime(seconds))")
                }
            }
            print("Signature: \(parsed.isUnsecured ? "none (unsecured token)" : "\(parsed.jws.signature.count) bytes, \(parsed.algorithmName)")")
            print("Not verified: use `attest token verify` to check the signature.")
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a token's signature against the issuer's published keys, and its times and issuer.",
            discussion: "Exit status 0 when the token is valid, 1 when it is not (the reason goes to standard error).")

        @Option(help: "The issuer's JWKS: a file, or an http(s) URL such as https://INSTANCE/certs.")
        var jwks: String

        @Option(help: "The expected issuer (iss), exactly.")
        var issuer: String?

        @Option(help: "Validate as of this Unix time instead of now.")
        var at: Double?

        @Flag(help: "Accept an unsecured (alg: none) token, as returned for a draft policy.")
        var allowUnsecured = false

        @Flag(help: "Print one JSON object {\"valid\":bool,…}.")
        var json = false

        @Argument(help: "The token, a file holding it, or - for standard input.")
        var token: String

        func run() async throws {
            do {
                let parsed = try AttestationToken(compact: try CLI.readToken(token))
                let signers = try AttestationSigner.signers(from: try JWKS(parsing: try await loadJWKS()))
                var options = TokenValidationOptions()
                if let at { options.currentTime = { Date(timeIntervalSince1970: at) } }
                options.issuer = issuer
                options.allowUnsecuredTokens = allowUnsecured
                let signer = try parsed.validate(signers: signers, options: options)
                if json {
                    var result: JSONObject = ["valid": true, "header": .object(parsed.header), "claims": .object(parsed.claims)]
                    if let keyID = signer?.keyID { result["kid"] = .string(keyID) }
                    CLI.printJSON(.object(result))
                } else {
                    print("valid: signed by kid \(signer?.keyID ?? "(none: unsecured token)"), issuer \(parsed.issuer ?? "(none)")")
                }
            } catch let error as JOSEError {
                throw report(code: error.code.description, message: error.reason)
            } catch let error as ValidationError {
                throw report(code: "input", message: error.message)
            } catch {
                throw report(code: "input", message: "\(error)")
            }
        }

        private func report(code: String, message: String) -> ExitCode {
            if json { CLI.printJSON(["valid": false, "error": ["code": .string(code), "message": .string(message)]]) }
            CLI.printError("invalid: \(message)")
            return ExitCode(1)
        }

        private func loadJWKS() async throws -> [UInt8] {
            guard jwks.hasPrefix("http://") || jwks.hasPrefix("https://") else { return try CLI.readBytes(jwks) }
            guard let url = URL(string: jwks) else { throw ValidationError("invalid JWKS URL \(jwks)") }
            var request = URLRequest(url: url)
            request.setValue("application/jwk+json, application/json", forHTTPHeaderField: "Accept")
            request.timeoutInterval = 30
            let (data, response) = try await URLSession.shared.data(for: request)
            guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
                throw ValidationError("fetching \(jwks) failed")
            }
            return Array(data)
        }
    }
}
