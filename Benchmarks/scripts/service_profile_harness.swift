// Driver for service-callgrind.sh: attests the recorded SGX quote N times in process (an in-memory AttestationService
// with the quote's collateral at its pinned time, an AAD instance accepting its OutOfDate status, a fixed clock and a
// fixed RSA key), so that callgrind's instruction counts for N and N + k runs differ only by k attestations.
// Usage: service_profile_harness SHARED_DIR KEY_PEM ITERATIONS
import Crypto
import Foundation
import MAADCAP
import MAAJOSE
import MAAService
import MAAWire
import _CryptoExtras

let shared = URL(fileURLWithPath: CommandLine.arguments[1])
let keyPath = CommandLine.arguments[2]
let iterations = Int(CommandLine.arguments[3]) ?? 10
func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: shared.appendingPathComponent(path))) }
final class Box: @unchecked Sendable { var error: (any Error)? }
let box = Box()
let done = DispatchSemaphore(value: 0)
Task {
    do {
        let store = CollateralStore()
        store.add(try VerifiedCollateral(try CollateralBundle(jsonBytes: bytes(
            "evidence/assembled-collateral/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin.run1.collateral.json"
        ))))
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: String(contentsOfFile: keyPath, encoding: .utf8))
        let service = AttestationService(
            store: InMemoryStore(),
            configuration: ServiceConfiguration(
                publicBaseURL: "http://127.0.0.1:8080",
                now: { 1_760_000_000 },
                makeSigningKey: { url, now in try SigningKeyFactory.make(instanceURL: url, now: now, key: key) }
            ),
            evidence: EvidenceVerification(collateral: store, collateralTime: 1_738_752_225)
        )
        let statuses = ["UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDate"]
        let instance = try await service.createInstance(
            InstanceSpec(name: "load", mode: .aad, acceptedTCBStatuses: statuses), caller: .localAdministrator)
        let runtime = try bytes("maa-data/sgx/runtime_data.bin")
        let request = AttestationRequest(
            type: .sgxEnclave, evidence: try bytes("maa-data/sgx/sgx_quote_v3.bin"),
            runtimeData: BoundData(bytes: runtime, encoded: Base64.urlEncoded(runtime), dataType: .binary))
        let caller = Principal(id: "bench", role: .reader)
        var total = 0
        for _ in 0..<iterations { total &+= try await service.attest(request, instance: instance, caller: caller).utf8.count }
        print(total)
    } catch { box.error = error }
    done.signal()
}
done.wait()
if let error = box.error { print("error: \(error)"); exit(1) }
