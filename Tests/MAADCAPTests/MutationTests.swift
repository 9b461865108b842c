import Foundation
import MAAPKI
import MAATesting
import Testing

@testable import MAADCAP

/// Deterministic mutation testing: thousands of mutated quotes, OE reports, collateral bundles and parser
/// inputs derived from the real evidence with a seeded PRNG. Each must be rejected with a typed error or
/// accepted; none may trap. (A crash fails the whole test process.)
@Suite("Mutation (no trap on any input)")
struct MutationTests {
    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        guard !bytes.isEmpty else { return [UInt8(truncatingIfNeeded: rng.next())] }
        let rounds = Int(rng.next() % 4) + 1
        for _ in 0..<rounds {
            let at = Int(rng.next() % UInt64(max(bytes.count, 1)))
            switch rng.next() % 7 {
            case 0: bytes[at] ^= UInt8(1 << (rng.next() % 8))
            case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 2: bytes = Array(bytes.prefix(at))
            case 3: bytes.insert(contentsOf: (0..<Int(rng.next() % 16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            case 4:  // an extreme little-endian length
                let value: [UInt8] = [[0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0], [0xFF, 0xFF, 0, 0], [1, 0, 0, 0]][Int(rng.next() % 4)]
                for (i, b) in value.enumerated() where at + i < bytes.count { bytes[at + i] = b }
            case 5: if at < bytes.count { bytes.remove(at: at) }
            default:  // duplicate a slice
                let end = min(bytes.count, at + Int(rng.next() % 64))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            }
            if bytes.isEmpty { break }
        }
        return bytes
    }

    /// Mutations concentrated in the first 1.1 KB (header, body, sizes) and the signature data.
    static func mutateQuote(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        mutate(input, &rng)
    }

    @Test func quotesAndReports() throws {
        var rng = SplitMix64(seed: 0xDCA9)
        let verifier = DCAPVerifier()
        var accepted = 0
        var rejected = 0
        for run in EvidenceRun.all where run.collateral.contains("run0") || run.openEnclave || run.quote.contains("azure") {
            let original = try SharedData.bytes(run.quote)
            let collateral = try VerifiedCollateral(try CollateralBundle(jsonBytes: try SharedData.bytes(run.collateral)))
            let now = Date(timeIntervalSince1970: run.time)
            for _ in 0..<400 {
                let mutated = Self.mutateQuote(original, &rng)
                do {
                    if run.openEnclave {
                        _ = try verifier.verify(openEnclaveReport: mutated, collateral: collateral, at: now)
                    } else {
                        _ = try verifier.verify(quote: mutated, collateral: collateral, at: now)
                    }
                    accepted += 1
                } catch {
                    rejected += 1
                }
            }
        }
        // Appending/duplicating after the signature data is legitimately accepted; most mutations are not.
        #expect(rejected > accepted * 5)
    }

    @Test func collateralBundles() throws {
        var rng = SplitMix64(seed: 0xC011)
        let verifier = DCAPVerifier()
        let run = EvidenceRun.all[0]
        let quote = try SharedData.bytes(run.quote)
        let json = try SharedData.bytes(run.collateral)
        let bundle = try CollateralBundle(jsonBytes: json)
        let now = Date(timeIntervalSince1970: run.time)
        var rejected = 0
        for index in 0..<800 {
            var candidate = bundle
            switch index % 6 {
            case 0: candidate.tcbInfo = Self.mutate(bundle.tcbInfo, &rng)
            case 1: candidate.qeIdentity = Self.mutate(bundle.qeIdentity, &rng)
            case 2: candidate.rootCACRL = Self.mutate(bundle.rootCACRL, &rng)
            case 3: candidate.pckCRL = Self.mutate(bundle.pckCRL, &rng)
            case 4: candidate.tcbInfoIssuerChain = String(decoding: Self.mutate(Array(bundle.tcbInfoIssuerChain.utf8), &rng), as: UTF8.self)
            default:
                if let parsed = try? CollateralBundle(jsonBytes: Self.mutate(json, &rng)) { candidate = parsed } else {
                    rejected += 1
                    continue
                }
            }
            do {
                _ = try verifier.verify(quote: quote, collateral: candidate, at: now)
            } catch {
                rejected += 1
            }
        }
        #expect(rejected > 500)
    }

    @Test func parsersDirectly() throws {
        var rng = SplitMix64(seed: 0x9A55)
        let sgx = try CollateralBundle(jsonBytes: try SharedData.bytes(EvidenceRun.all[0].collateral))
        let tdx = try CollateralBundle(jsonBytes: try SharedData.bytes(EvidenceRun.all[4].collateral))
        let quote = try Quote(try SharedData.bytes(EvidenceRun.all[4].quote))
        let chain = try PCKChain(pem: quote.certificationData.data, anchor: .intel)
        let extDER = Array(chain.leaf.extensions[oid: PCKExtension.oid]?.value ?? [])
        for _ in 0..<1000 {
            _ = try? TCBInfo(jsonBytes: Self.mutate(tdx.tcbInfo, &rng))
            _ = try? TCBInfo(jsonBytes: Self.mutate(sgx.tcbInfo, &rng))
            _ = try? QEIdentity(jsonBytes: Self.mutate(tdx.qeIdentity, &rng))
            _ = try? CertificateRevocationList(derEncoded: Self.mutate(tdx.pckCRL, &rng))
            _ = try? PCKExtension(der: Self.mutate(extDER, &rng)[...])
            _ = try? PEMCertificates.derBlocks(Self.mutate(Array(tdx.pckCRLIssuerChain.utf8), &rng))
            _ = try? OpenEnclaveReport(Self.mutate([1, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4], &rng))
        }
    }
}

@Suite("Collateral bundle fast path")
struct BundleFastPathTests {
    static let files = [
        "evidence/assembled-collateral/sgx-dcap/dcapqvl_sgx_quote.bin.run0.collateral.json",
        "evidence/assembled-collateral/sgx-dcap/dcapqvl_sgx_quote.bin.run2.collateral.json",
        "evidence/assembled-collateral/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin.run1.collateral.json",
        "evidence/assembled-collateral/tdx/dcapqvl_tdx_quote.bin.run3.collateral.json",
        "evidence/tdx/dcapqvl_tdx_quote_outdated_collateral.json",
    ]

    @Test(arguments: files)
    func agreesWithTheGeneralParser(file: String) throws {
        let bytes = try SharedData.bytes(file)
        #expect(FlatJSONObject.parse(bytes) != nil)
        #expect(try CollateralBundle(jsonBytes: bytes) == (try CollateralBundle(general: bytes)))
        // Our own serialisation goes through the fast path too.
        let bundle = try CollateralBundle(jsonBytes: bytes)
        #expect(try CollateralBundle(jsonBytes: bundle.jsonBytes()) == bundle)
    }

    /// Whatever the fast path accepts, the general parser accepts with the same result.
    @Test func neverMoreLenient() throws {
        var rng = SplitMix64(seed: 0xFA57)
        let bytes = try SharedData.bytes(Self.files[0])
        var fast = 0
        for _ in 0..<1500 {
            let mutated = MutationTests.mutate(bytes, &rng)
            guard FlatJSONObject.parse(mutated) != nil else { continue }
            fast += 1
            let viaFast = Result { () throws(DCAPError) in try CollateralBundle(jsonBytes: mutated) }
            let viaGeneral = Result { () throws(DCAPError) in try CollateralBundle(general: mutated) }
            switch (viaFast, viaGeneral) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(let a), .failure(let b)): #expect(a.code == b.code)
            default: Issue.record("fast and general paths disagree: \(viaFast) vs \(viaGeneral)")
            }
        }
        #expect(fast > 100)
    }
}
