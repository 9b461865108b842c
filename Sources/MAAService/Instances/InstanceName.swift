/// Validation of instance names, which appear as the first path component and in the instance URL.
public enum InstanceName {
    /// The longest accepted name (a DNS label).
    public static let maximumLength = 63

    /// Names that would shadow server-wide routes.
    public static let reserved: Set<String> = ["admin", "metrics", "health", "ready", "certs", "attest", "policies",
                                               "certificates", "well-known"]

    /// Checks that `name` is 1–63 characters of `a-z`, `0-9` and `-`, starts with a letter or digit, and is not reserved.
    public static func validate(_ name: String) throws(ServiceError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumLength else {
            throw .invalidParameter("instance name must be 1 to \(maximumLength) characters")
        }
        for (index, byte) in bytes.enumerated() {
            let isLower = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            let isHyphen = byte == UInt8(ascii: "-") && index > 0
            guard isLower || isDigit || isHyphen else {
                throw .invalidParameter("instance name may contain only a-z, 0-9 and '-' (not first)")
            }
        }
        guard !reserved.contains(name) else { throw .invalidParameter("instance name '\(name)' is reserved") }
    }
}
