public import MAAWire

/// The attestation types that have a policy, named as in MAA's REST paths (`/policies/{type}`); defined in `MAAWire`.
public typealias AttestationType = MAAWire.AttestationType
