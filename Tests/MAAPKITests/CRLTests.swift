import Crypto
import Foundation
import MAAPKI
import MAATesting
import MAAWire
import SwiftASN1
import Testing
import X509

/// Known-answer and negative tests for the CRL parser on Intel's real CRLs.
@Suite("CertificateRevocationList")
struct CRLTests {
    func collateral(_ file: String) throws -> JSONValue {
        try JSONValue(parsing: try SharedData.bytes(file))
    }

    func crl(_ file: String, _ key: String) throws -> [UInt8] {
        try Hex.decode(try collateral(file)[key]?.stringValue ?? "")
    }

    static let sgx = "evidence/sgx-dcap/dcapqvl_sgx_quote_collateral.json"
    static let tdx = "evidence/tdx/dcapqvl_tdx_quote_collateral.json"

    @Test func intelRootCACRL() throws {
        let parsed = try CertificateRevocationList(derEncoded: try crl(Self.sgx, "root_ca_crl"))
        #expect(parsed.issuer.description.contains("CN=Intel SGX Root CA"))
        #expect(parsed.thisUpdate == Date(timeIntervalSince1970: 1_742_469_717))  // 2025-03-20T11:21:57Z
        #expect(parsed.nextUpdate == Date(timeIntervalSince1970: 1_775_215_317))  // 2026-04-03T11:21:57Z
        #expect(parsed.revokedCount == 0)
        #expect(parsed.crlNumber == [1])
        #expect(Hex.encode(parsed.authorityKeyIdentifier ?? []) == "22650cd65a9d3489f383b49552bf501b392706ac")
        let root = try Certificate(derEncoded: try SharedData.bytes("evidence/common/Intel_SGX_Provisioning_Certification_RootCA.cer"))
        #expect(parsed.isSignatureValid(for: root.publicKey))
        #expect(parsed.isCurrent(at: Date(timeIntervalSince1970: 1_752_919_277)))
        #expect(!parsed.isCurrent(at: Date(timeIntervalSince1970: 1_775_215_318)))
    }

    @Test func intelPlatformCRLHasEntries() throws {
        let parsed = try CertificateRevocationList(derEncoded: try crl(Self.tdx, "pck_crl"))
        #expect(parsed.issuer.description.contains("CN=Intel SGX PCK Platform CA"))
        #expect(parsed.revokedCount > 0)
        let root = try Certificate(derEncoded: try SharedData.bytes("evidence/common/Intel_SGX_Provisioning_Certification_RootCA.cer"))
        #expect(!parsed.isSignatureValid(for: root.publicKey))  // signed by the Platform CA, not the root
    }

    /// Every serial listed in Intel's platform CRL, read independently with swift-asn1, is reported revoked
    /// (also with a leading zero byte, compared by value); serials not listed are not.
    @Test func everyListedSerialIsRevokedAndOnlyThose() throws {
        let der = try crl(Self.tdx, "pck_crl")
        let parsed = try CertificateRevocationList(derEncoded: der)
        var serials: [[UInt8]] = []
        let root = try DER.parse(der)
        try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbs = nodes.next() else { return }
            try DER.sequence(tbs, identifier: .sequence) { fields in
                // TBSCertList: version, signature (SEQUENCE), issuer (SEQUENCE), thisUpdate, nextUpdate,
                // revokedCertificates (the third SEQUENCE), [0] extensions.
                var sequences = 0
                while let field = fields.next() {
                    guard field.identifier == .sequence else { continue }
                    sequences += 1
                    guard sequences == 3, case .constructed(let entries) = field.content else { continue }
                    for entry in entries {
                        guard case .constructed(let parts) = entry.content, let serial = parts.first(where: { _ in true }) else {
                            continue
                        }
                        serials.append(Array(try ArraySlice<UInt8>(derEncoded: serial)))
                    }
                }
            }
            while nodes.next() != nil {}  // signatureAlgorithm, signatureValue
        }
        #expect(!serials.isEmpty)
        #expect(serials.count == parsed.revokedCount)
        for serial in serials {
            #expect(parsed.isRevoked(try Certificate.SerialNumber(bytes: serial)))
            var other = serial
            other[other.count - 1] ^= 0x01
            if !serials.contains(other) { #expect(!parsed.isRevoked(try Certificate.SerialNumber(bytes: other))) }
        }
    }

    @Test func rejectsTruncatedTrailingAndEmpty() throws {
        let der = try crl(Self.sgx, "pck_crl")
        for bad in [[], Array(der.prefix(der.count - 1)), der + [0], [0x30, 0x00]] {
            #expect(throws: PKIError(.crlMalformed, "")) { try CertificateRevocationList(derEncoded: bad) }
        }
    }

    @Test func signatureByteFlipFailsVerification() throws {
        var der = try crl(Self.sgx, "root_ca_crl")
        der[der.count - 5] ^= 1
        let parsed = try CertificateRevocationList(derEncoded: der)
        let root = try Certificate(derEncoded: try SharedData.bytes("evidence/common/Intel_SGX_Provisioning_Certification_RootCA.cer"))
        #expect(!parsed.isSignatureValid(for: root.publicKey))
    }

    @Test func strictPEM() throws {
        let chain = try collateral(Self.sgx)["tcb_info_issuer_chain"]?.stringValue ?? ""
        #expect(try PEMCertificates.certificates(Array(chain.utf8)).count == 2)
        #expect(try PEMCertificates.certificates(Array((chain + "\0\0").utf8)).count == 2)
        #expect(throws: PKIError(.pemMalformed, "")) { try PEMCertificates.derBlocks(Array(("x" + chain).utf8)) }
        #expect(throws: PKIError(.pemMalformed, "")) { try PEMCertificates.derBlocks(Array((chain + "-----BEGIN CERTIFICATE-----\n").utf8)) }
        #expect(throws: PKIError(.pemMalformed, "")) { try PEMCertificates.derBlocks(Array(chain.utf8), maximumCount: 1) }
    }
}
