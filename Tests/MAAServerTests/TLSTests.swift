import Crypto
import Foundation
import Hummingbird
import HummingbirdTLS
import HummingbirdTesting
import MAAServer
import MAAService
import MAATesting
import SwiftASN1
import Testing
import X509

@Suite("HTTPS")
struct TLSTests {
    /// A self-signed P-256 certificate for localhost / 127.0.0.1, written as PEM files.
    static func writeServerIdentity() throws -> (ServerConfiguration.TLSFiles, String) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("localhost") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(3600),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        let certificatePEM = try certificate.serializeAsPEM().pemString
        let directory = TestScratch.path("tls")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try certificatePEM.write(toFile: directory + "/cert.pem", atomically: true, encoding: .utf8)
        try key.pemRepresentation.write(toFile: directory + "/key.pem", atomically: true, encoding: .utf8)
        return (ServerConfiguration.TLSFiles(certificateChainPath: directory + "/cert.pem", privateKeyPath: directory + "/key.pem"),
                certificatePEM)
    }

    @Test func servesHTTPSWithTheConfiguredCertificate() async throws {
        let (files, pem) = try Self.writeServerIdentity()
        let fixture = try await ServerFixture.make()
        try await fixture.running(tls: files) { port in
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))
            try await TestClient.withClient(
                host: "127.0.0.1", port: port, configuration: .init(tlsConfiguration: tls, serverName: "localhost")
            ) { client in
                let response = try await client.execute(.init("/aad1/certs", method: .get, authority: "localhost"))
                #expect(response.status == .ok)
                #expect(String(buffer: response.body ?? ByteBuffer()).contains("\"keys\""))
            }
        }
    }

    @Test func missingKeyFileFailsToBuild() async throws {
        let fixture = try await ServerFixture.make()
        #expect(throws: (any Error).self) {
            _ = try buildApplication(
                service: fixture.service, authenticator: StaticTokenAuthenticator(store: fixture.store),
                configuration: ServerConfiguration(tls: .init(certificateChainPath: "/nonexistent.pem", privateKeyPath: "/nonexistent.key"))
            )
        }
    }
}
