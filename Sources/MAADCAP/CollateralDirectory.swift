public import Foundation
import Crypto
import MAAWire

/// Collateral bundles kept as files under `<data-dir>/collateral/` (default data dir `./attest-data`), one
/// `QuoteCollateralV3` JSON file per set, named `<tee>-<FMSPC>-<ca>-<tcbEvaluationDataNumber>-<hash>.json`.
///
/// Files are verified when imported and again when loaded (nothing on disk is trusted).
public struct CollateralDirectory: Sendable {
    /// The default data directory.
    public static let defaultDataDirectory = URL(fileURLWithPath: "attest-data")
    /// Bundles larger than this are refused.
    public static let maximumFileSize = 4 << 20

    /// `<data-dir>/collateral`.
    public let url: URL

    public init(dataDirectory: URL = Self.defaultDataDirectory) {
        self.url = dataDirectory.appendingPathComponent("collateral", isDirectory: true)
    }

    /// Verifies `bundle` (signatures and contents; not its time window) and writes it; returns the file URL.
    @discardableResult
    public func importBundle(_ bundle: CollateralBundle, trustAnchor: TrustAnchor = .intel) throws -> (URL, VerifiedCollateral) {
        let verified = try VerifiedCollateral(bundle, trustAnchor: trustAnchor)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let bytes = bundle.jsonBytes()
        let digest = Hex.encode(SHA256.hash(data: bytes)).prefix(16)
        let name = "\(verified.key)-\(verified.tcbInfo.tcbEvaluationDataNumber)-\(digest).json"
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file, options: .atomic)
        return (file, verified)
    }

    /// Loads and verifies every `*.json` bundle into `store`. Files that fail are returned, not thrown, so one
    /// bad file does not hide the others.
    @discardableResult
    public func load(into store: CollateralStore, trustAnchor: TrustAnchor = .intel) throws -> [(URL, any Error)] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        var failures: [(URL, any Error)] = []
        let files = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        for file in files {
            do {
                let data = try Data(contentsOf: file)
                guard data.count <= Self.maximumFileSize else { throw DCAPError(.collateralMalformed(.bundle), "file too large") }
                store.add(try VerifiedCollateral(try CollateralBundle(jsonBytes: Array(data)), trustAnchor: trustAnchor))
            } catch {
                failures.append((file, error))
            }
        }
        return failures
    }
}
