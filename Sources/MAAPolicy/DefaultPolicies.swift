/// The default policies a new attestation provider starts with, per attestation type.
public enum DefaultPolicies {
    /// The minimal permit-all policy: permits every attestation and issues no claims. Recorded as served by MAA
    /// test instances; its hash is `z0FRjKS0ssQTNur1V6BV8WIrh9M3fzgTo0EfHRvapWU`.
    public static let minimalPermitAll = "version=1.0; authorizationrules{=> permit();}; issuancerules{};"

    /// The SGX/OpenEnclave default policy actually served by MAA's shared instances (version 1.0, one line, no
    /// trailing newline). It issues the legacy claims `is-debuggable`, `sgx-mrsigner`, `sgx-mrenclave`,
    /// `product-id`, `svn` and `tee`. Its hash is `bROrN897ZfWmWY2V0FLUlu3uwk5xatGnKYHn3zBbSlw`.
    public static let sharedInstance =
        #"version= 1.0;authorizationrules{=> permit();};issuancerules{c:[type=="x-ms-sgx-is-debuggable"] => issue(type="is-debuggable", value=c.value);c:[type=="x-ms-sgx-mrsigner"] => issue(type="sgx-mrsigner", value=c.value);c:[type=="x-ms-sgx-mrenclave"] => issue(type="sgx-mrenclave", value=c.value);c:[type=="x-ms-sgx-product-id"] => issue(type="product-id", value=c.value);c:[type=="x-ms-sgx-svn"] => issue(type="svn", value=c.value);c:[type=="x-ms-attestation-type"] => issue(type="tee", value=c.value);};"#

    /// The documented SGX/OpenEnclave default (version 1.1, tab-indented as in Microsoft's documentation): the
    /// Azure default TCB baseline and the same legacy claims as ``sharedInstance``. Used for new providers and
    /// resets. Its hash differs from the shared instance's.
    public static let sgxDocumented = """
        version= 1.1;
        configurationrules{
        \t=> issueproperty(type="x-ms-sgx-tcbidentifier", value="azuredefault");
        };
        authorizationrules{
        \t=> permit();
        };
        issuancerules{
        \tc:[type=="x-ms-sgx-is-debuggable"] => issue(type="is-debuggable", value=c.value);
        \tc:[type=="x-ms-sgx-mrsigner"] => issue(type="sgx-mrsigner", value=c.value);
        \tc:[type=="x-ms-sgx-mrenclave"] => issue(type="sgx-mrenclave", value=c.value);
        \tc:[type=="x-ms-sgx-product-id"] => issue(type="product-id", value=c.value);
        \tc:[type=="x-ms-sgx-svn"] => issue(type="svn", value=c.value);
        \tc:[type=="x-ms-attestation-type"] => issue(type="tee", value=c.value);
        };
        """

    /// The message MAA returns when a TPM attestation finds no policy set.
    public static let missingTPMPolicyMessage = "A VBS attestation policy has not been set on the attestation provider."

    /// The default policy text for an attestation type, or `nil` when the type has none.
    ///
    /// - SgxEnclave, OpenEnclave: ``sgxDocumented``.
    /// - Tpm: `nil`. TPM (and VBS) providers start without a policy, and attestation fails with
    ///   ``missingTPMPolicyMessage`` until one is set.
    /// - SevSnpVm, TdxVm: ``minimalPermitAll`` (MAA documents no default for these; this is our choice).
    public static func text(for type: AttestationType) -> String? {
        switch type {
        case .sgxEnclave, .openEnclave: sgxDocumented
        case .tpm: nil
        case .sevSnpVm, .tdxVm: minimalPermitAll
        }
    }
}
