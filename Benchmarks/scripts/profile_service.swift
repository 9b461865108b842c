// Shared by service_profile_harness.swift and http_profile_harness.swift (compiled with each): the service both
// profile, in memory, with the recorded SGX quote's collateral at its pinned time, an AAD instance "load" accepting the
// quote's OutOfDate status, a fixed clock and the RSA key in KEY_PEM (a key made inside would make two runs' counts
// differ by its random prime search).
import Foundation
import MAADCAP
import MAAService
import _CryptoExtras

/// The bytes of a file below the shared data directory.
func sharedBytes(_ shared: URL, _ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: shared.appendingPathComponent(path)))
}

/// The service, its "load" instance, and its store (for API tokens).
func makeProfileService(shared: URL, keyPath: String) async throws -> (AttestationService, InstanceRecord, InMemoryStore) {
    let collateral = CollateralStore()
    collateral.add(try VerifiedCollateral(try CollateralBundle(jsonBytes: sharedBytes(
        shared, "evidence/assembled-collateral/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin.run1.collateral.json"
    ))))
    let key = try _RSA.Signing.PrivateKey(pemRepresentation: String(contentsOfFile: keyPath, encoding: .utf8))
    let store = InMemoryStore()
    let service = AttestationService(
        store: store,
        configuration: ServiceConfiguration(
            publicBaseURL: "http://127.0.0.1:8080",
            now: { 1_760_000_000 },
            makeSigningKey: { url, now in try SigningKeyFactory.make(instanceURL: url, now: now, key: key) }
        ),
        evidence: EvidenceVerification(collateral: collateral, collateralTime: 1_738_752_225)
    )
    let statuses = ["UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDate"]
    let instance = try await service.createInstance(
        InstanceSpec(name: "load", mode: .aad, acceptedTCBStatuses: statuses), caller: .localAdministrator)
    return (service, instance, store)
}
