import MAADCAP
import MAAPKI

/// libFuzzer entry point: the first byte picks the parser (mod 6: bundle, TCB Info, QE Identity, CRL, PCS response,
/// PCK certificate SGX extension value), the rest is its input. Bundles that parse are also
/// run through full collateral verification (chains, CRLs, signatures over the exact bytes, document parsing).
/// Any outcome but a trap is fine.
@_cdecl("LLVMFuzzerTestOneInput")
public func collateralFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 6 {
    case 0:
        if let bundle = try? CollateralBundle(jsonBytes: input) {
            _ = try? VerifiedCollateral(bundle)
            _ = bundle.jsonBytes()
        }
    case 1:
        _ = try? TCBInfo(jsonBytes: input)
    case 2:
        _ = try? QEIdentity(jsonBytes: input)
    case 3:
        _ = try? CertificateRevocationList(derEncoded: input)
    case 5:
        _ = try? PCKExtension(extensionValue: input[...])
    default:
        _ = try? PCSResponse.signedBody(input, key: "tcbInfo", doc: .tcbInfo)
        _ = try? PCSResponse.signedBody(input, key: "enclaveIdentity", doc: .qeIdentity)
    }
    return 0
}
