/// The AMD EPYC generations whose SEV-SNP reports and certificate chains are verified.
public enum SNPProduct: String, Sendable, Hashable, CaseIterable {
    case milan = "Milan"
    case genoa = "Genoa"
    case turin = "Turin"

    /// Whether TCB_VERSION uses the Turin byte layout (FMC in byte 0), §2.2.
    public var usesTurinTCBLayout: Bool { self == .turin }

    /// The product a report of version 3 or later names in its CPUID bytes (§2.1).
    ///
    /// Family 0x19 models 0x00–0x0F are Milan, 0x10–0x1F and 0xA0–0xAF Genoa; family 0x1A models 0x00–0x11 are
    /// Turin. Anything else (Venice included) is `nil`: not supported.
    public static func identify(family: UInt8, model: UInt8) -> SNPProduct? {
        switch (family, model) {
        case (0x19, 0x00...0x0F): .milan
        case (0x19, 0x10...0x1F), (0x19, 0xA0...0xAF): .genoa
        case (0x1A, 0x00...0x11): .turin
        default: nil
        }
    }

    /// The product of a VCEK/VLEK product-name extension (`Milan-B0`, `Genoa`, `Turin-…`): the family before an
    /// optional `-stepping`; `nil` for an unknown family.
    public static func fromProductName(_ name: String) -> SNPProduct? {
        let family = name.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return SNPProduct(rawValue: family)
    }
}
