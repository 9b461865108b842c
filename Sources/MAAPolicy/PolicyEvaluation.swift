/// The outcome of evaluating a policy against a claim set.
public struct PolicyEvaluation: Sendable {
    /// The authorization decision.
    public enum Decision: Sendable, Hashable {
        /// At least one `permit()` ran and no `deny()` ran.
        case permitted
        /// A `deny()` ran: the rule at this position.
        case denied(at: SourcePosition)
        /// No `permit()` ran.
        case noPermit
    }

    public var decision: Decision
    /// The outgoing claims (`issue` in `issuancerules`), in issue order, duplicates kept. Empty unless permitted.
    public var issuedClaims: [Claim]
    /// The property claims (`issueproperty`).
    public var properties: PolicyProperties
    /// The final incoming claim set, including every claim added by the policy.
    public var claims: [Claim]

    /// Whether the policy permits the attestation.
    public var isPermitted: Bool { decision == .permitted }

    /// MAA's message for a refusal, or `nil` when permitted.
    public var refusalMessage: String? {
        switch decision {
        case .permitted: nil
        case .denied: "Policy Engine Exception: A Deny claim was issued, authorization failed."
        case .noPermit: "Policy Engine Exception: No Permit claim was issued, authorization failed."
        }
    }
}

/// The property claims set by `issueproperty`, in the order first set; a later value replaces an earlier one.
public struct PolicyProperties: Sendable, Hashable {
    /// Name and value pairs.
    public private(set) var entries: [(name: String, value: ClaimValue)] = []
    /// The index of each name in ``entries``.
    private var indices: [String: Int] = [:]

    public init() {}

    /// The value of a property, or `nil`.
    public subscript(name: String) -> ClaimValue? {
        indices[name].map { entries[$0].value }
    }

    mutating func set(_ name: String, _ value: ClaimValue) {
        if let index = indices[name] {
            entries[index].value = value
        } else {
            indices[name] = entries.count
            entries.append((name, value))
        }
    }

    public static func == (lhs: PolicyProperties, rhs: PolicyProperties) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for (name, value) in entries {
            hasher.combine(name)
            hasher.combine(value)
        }
    }

    /// `report_validity_in_minutes`: TPM/VBS token lifetime, clamped to 1...525600. Default 1440. A value of the
    /// wrong type is ignored.
    public var reportValidityInMinutes: Int64 {
        guard let minutes = self["report_validity_in_minutes"]?.integerValue else { return 1440 }
        return min(max(minutes, 1), 525_600)
    }

    /// `omit_x5c`: TPM/VBS tokens carry `x5t` instead of `x5c`. Default `false`.
    public var omitX5c: Bool { self["omit_x5c"]?.booleanValue ?? false }

    /// `x-ms-sgx-tcbidentifier`: the SGX TCB baseline. Default `"azuredefault"`.
    public var sgxTCBIdentifier: String { self["x-ms-sgx-tcbidentifier"]?.stringValue ?? "azuredefault" }

    /// `require_valid_aik_cert`: TPM/VBS; a missing or invalid AIK certificate fails attestation. Default `true`.
    public var requireValidAIKCertificate: Bool { self["require_valid_aik_cert"]?.booleanValue ?? true }

    /// `required_pcr_mask`: TPM/VBS; bit n set means PCR n must be in the quote. Default `0xFFFFFF`.
    public var requiredPCRMask: Int64 { self["required_pcr_mask"]?.integerValue ?? 0xFF_FFFF }
}

/// Bounds on evaluation, so that no policy can make evaluation take unbounded time or memory.
public struct EvaluationLimits: Sendable, Hashable {
    /// The largest incoming claim set, counting claims added by the policy. Default 65 536.
    public var maxClaims: Int = 65_536
    /// The most values one value expression may produce. Default 65 536.
    public var maxValues: Int = 65_536
    /// The longest string a function may produce, in UTF-8 bytes. Default 1 MiB.
    public var maxStringBytes: Int = 1 << 20
    /// The most claim tests (claims scanned, summed over every condition evaluated). Default 1 000 000.
    public var maxClaimTests: Int = 1_000_000

    public init() {}
}
