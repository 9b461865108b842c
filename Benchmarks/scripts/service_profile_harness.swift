// Driver for service-callgrind.sh: attests the recorded SGX quote N times in process (the service of
// profile_service.swift), so that callgrind's instruction counts for N and N + k runs differ only by k attestations.
// Usage: service_profile_harness SHARED_DIR KEY_PEM ITERATIONS
import Foundation
import MAAService
import MAAWire

let shared = URL(fileURLWithPath: CommandLine.arguments[1])
let keyPath = CommandLine.arguments[2]
let iterations = Int(CommandLine.arguments[3]) ?? 10
final class Box: @unchecked Sendable { var error: (any Error)? }
let box = Box()
let done = DispatchSemaphore(value: 0)
Task {
    do {
        let (service, instance, _) = try await makeProfileService(shared: shared, keyPath: keyPath)
        let runtime = try sharedBytes(shared, "maa-data/sgx/runtime_data.bin")
        let request = AttestationRequest(
            type: .sgxEnclave, evidence: try sharedBytes(shared, "maa-data/sgx/sgx_quote_v3.bin"),
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
