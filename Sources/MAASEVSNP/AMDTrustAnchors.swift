import MAAWire

/// The pinned AMD root keys: SHA-256 of each product's ARK SubjectPublicKeyInfo (§3.2).
///
/// ``amd`` holds AMD's real ARK keys (the same values in go-sev-guest's trust bundles, virtee's built-in
/// certificates and the evidence files). Tests substitute their own roots with ``init(spkiSHA256:)``.
public struct AMDTrustAnchors: Sendable, Hashable {
    /// Pinned SHA-256 of the ARK SubjectPublicKeyInfo DER, by product.
    public var spkiSHA256: [SNPProduct: [UInt8]]

    public init(spkiSHA256: [SNPProduct: [UInt8]]) {
        self.spkiSHA256 = spkiSHA256
    }

    /// AMD's ARK keys for Milan, Genoa and Turin.
    public static let amd = AMDTrustAnchors(spkiSHA256: [
        .milan: pin("9f056bee44377e29308cb5ffa895bdfb62d18881fa6bed8d6f075b0204089cb9"),
        .genoa: pin("429a69c9422aa258ee4d8db5fcda9c6470ef15f8cd5a9cebd6cbc7d90b863831"),
        .turin: pin("4f125410563a2ab9a50356f9243f6fe0b6f73de98603f53f90339c70e9d7ad08"),
    ])

    /// Decodes a compile-time constant (an invalid one pins nothing, so nothing verifies).
    private static func pin(_ hex: String) -> [UInt8] {
        (try? Hex.decode(hex)) ?? []
    }
}
