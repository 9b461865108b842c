public import Foundation
import MAAWire

/// What a collateral set is for: TEE type, FMSPC and the PCK CA that issued the platform's certificate.
public struct CollateralKey: Hashable, Sendable, CustomStringConvertible {
    public let teeType: TEEType
    public let fmspc: [UInt8]
    public let caKind: PCKExtension.CAKind

    public init(teeType: TEEType, fmspc: [UInt8], caKind: PCKExtension.CAKind) {
        self.teeType = teeType
        self.fmspc = fmspc
        self.caKind = caKind
    }

    public var description: String { "\(teeType.rawValue)-\(Hex.encodeUppercase(fmspc))-\(caKind.rawValue)" }
}

extension VerifiedCollateral {
    /// The key this collateral serves.
    public var key: CollateralKey { CollateralKey(teeType: teeType, fmspc: tcbInfo.fmspc, caKind: pckCAKind) }
}

/// An in-memory index of verified collateral by TEE type, FMSPC and CA.
///
/// Only ``VerifiedCollateral`` goes in, so everything stored has passed signature and content checks once;
/// selection re-checks validity at the requested time. Thread-safe; values are swapped whole under a lock.
public final class CollateralStore: @unchecked Sendable {
    private let lock = NSLock()
    private var sets: [CollateralKey: [VerifiedCollateral]] = [:]

    public init() {}

    /// Adds a verified set (an identical bundle already present is replaced).
    public func add(_ collateral: VerifiedCollateral) {
        lock.lock()
        defer { lock.unlock() }
        var list = sets[collateral.key, default: []]
        list.removeAll { $0.bundle == collateral.bundle }
        list.append(collateral)
        sets[collateral.key] = list
    }

    /// All sets, in no particular order.
    public var all: [VerifiedCollateral] {
        lock.lock()
        defer { lock.unlock() }
        return sets.values.flatMap { $0 }
    }

    /// The best set for `key` that is current at `now`: the highest TCB evaluation data number, or exactly
    /// `tcbEvaluationDataNumber` when given (MAA's `x-ms-sgx-tcbidentifier` baseline); ties go to the latest
    /// issue date.
    public func collateral(for key: CollateralKey, at now: Date, tcbEvaluationDataNumber: Int64? = nil) -> VerifiedCollateral? {
        lock.lock()
        let candidates = sets[key] ?? []
        lock.unlock()
        // One pass over positions: a set holds ~90 references, and every filtered copy would retain each of them.
        var best: Int?
        for index in candidates.indices where candidates[index].isCurrent(at: now) {
            let info = candidates[index].tcbInfo
            if let tcbEvaluationDataNumber, info.tcbEvaluationDataNumber != tcbEvaluationDataNumber { continue }
            if let current = best {
                let leader = candidates[current].tcbInfo
                guard (leader.tcbEvaluationDataNumber, leader.issueDate) < (info.tcbEvaluationDataNumber, info.issueDate)
                else { continue }
            }
            best = index
        }
        return best.map { candidates[$0] }
    }

    /// Drops sets that expired before `now`.
    public func removeExpired(at now: Date) {
        lock.lock()
        defer { lock.unlock() }
        for (key, list) in sets { sets[key] = list.filter { $0.validUntil >= now } }
    }
}

extension DCAPVerifier {
    /// The collateral key of a quote (from its PCK certificate; the chain is checked and memoised on the way).
    public func collateralKey(for quote: Quote, collateralChain: String? = nil) throws(DCAPError) -> CollateralKey {
        try platform(of: quote, collateralChain: collateralChain).key
    }

    /// The collateral key of a quote and its PCK chain (checked up to the trust anchor, memoised).
    func platform(of quote: Quote, collateralChain: String? = nil) throws(DCAPError) -> (key: CollateralKey, chain: PCKChain) {
        let pem = try Self.pckChainPEM(of: quote, collateralChain: collateralChain)
        let chain = try chainCache.chain(for: pem, anchor: options.trustAnchor)
        return (CollateralKey(teeType: quote.teeType, fmspc: chain.sgxExtension.fmspc, caKind: chain.sgxExtension.caKind), chain)
    }

    /// Verifies a quote with the store's current collateral for its platform.
    public func verify(
        quote bytes: [UInt8], store: CollateralStore, at now: Date, tcbEvaluationDataNumber: Int64? = nil
    ) throws(DCAPError) -> VerifiedQuote {
        let quote = try Quote(bytes)
        return try verify(quote, evidence: bytes, kind: quote.teeType == .sgx ? .sgxQuote : .tdxQuote, store: store, at: now,
                          tcbEvaluationDataNumber: tcbEvaluationDataNumber)
    }

    /// Verifies an OpenEnclave report with the store's current collateral for its platform.
    public func verify(
        openEnclaveReport bytes: [UInt8], store: CollateralStore, at now: Date, tcbEvaluationDataNumber: Int64? = nil
    ) throws(DCAPError) -> VerifiedQuote {
        try verify(try Self.openEnclaveQuote(bytes), evidence: bytes, kind: .openEnclaveReport, store: store, at: now,
                   tcbEvaluationDataNumber: tcbEvaluationDataNumber)
    }

    /// Looks up the collateral for a parsed quote's platform and verifies it (the quote is parsed, and its PCK chain
    /// looked up, once).
    private func verify(
        _ quote: Quote, evidence: [UInt8], kind: EvidenceKind, store: CollateralStore, at now: Date, tcbEvaluationDataNumber: Int64?
    ) throws(DCAPError) -> VerifiedQuote {
        let (key, chain) = try platform(of: quote)
        guard let collateral = store.collateral(for: key, at: now, tcbEvaluationDataNumber: tcbEvaluationDataNumber) else {
            throw DCAPError(.collateralNotFound, "no current collateral for \(key)")
        }
        return try verify(quote, evidence: evidence, kind: kind, collateral: collateral, at: now, chain: chain)
    }
}
