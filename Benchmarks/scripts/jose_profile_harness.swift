// A synchronous driver for instruction counting under callgrind (valgrind 3.19 cannot run Swift's async main, so
// the package-benchmark runner itself cannot be profiled). Built and run by `jose-callgrind.sh`; not part of any package.
// Usage: jose-profile-harness FIXTURE_JSON validate|decode|parse|verify ITERATIONS
import Crypto
import Foundation
import MAAJOSE
import MAAModels
import MAAWire
import _CryptoExtras

@inline(never) func consume<T>(_ value: T) { withExtendedLifetime(value) {} }

let arguments = CommandLine.arguments
guard arguments.count == 4, let count = Int(arguments[3]), let data = FileManager.default.contents(atPath: arguments[1]),
    let fixture = try? JSONValue(parsing: Array(data)), let compact = fixture["token"]?.stringValue,
    let jwksText = fixture["jwks"]?.stringValue
else { fatalError("usage: jose-profile-harness FIXTURE_JSON validate|decode|parse|verify ITERATIONS") }
let mode = arguments[2]
let signers = try AttestationSigner.signers(from: JWKS(parsing: Array(jwksText.utf8)))
let parsed = try AttestationToken(compact: compact)
guard let issuedAt = parsed.issuedAt, let leaf = signers.first(where: { $0.keyID == parsed.keyID }),
    let rsaKey = _RSA.Signing.PublicKey(leaf.certificates[0].publicKey)
else { fatalError("fixture token has no iat or no matching signer") }
var options = TokenValidationOptions.at(issuedAt)
options.issuer = "https://pylarryoattestationaad.wus.attest.azure.net"
let signature = _RSA.Signing.RSASignature(rawRepresentation: parsed.jws.signature)
let signingInput = parsed.jws.signingInput
for _ in 0..<count {
    switch mode {
    case "validate":
        let token = try AttestationToken(compact: compact)
        try token.validate(signers: signers, options: options)
        consume(try AttestationResult(token: token))
    case "decode":
        consume(try AttestationResult(token: AttestationToken(compact: compact)))
    case "parse":
        consume(try AttestationToken(compact: compact))
    case "verify":
        consume(rsaKey.isValidSignature(signature, for: SHA256.hash(data: signingInput), padding: .insecurePKCS1v1_5))
    default:
        fatalError("unknown mode \(mode)")
    }
}
