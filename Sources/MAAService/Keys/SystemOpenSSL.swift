#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few functions of the system's OpenSSL 3 `libcrypto` that token signing uses, bound at run time.
///
/// Why: one RSA-2048 signature per token is most of the work of an attestation request, and OpenSSL 3 signs about
/// twice as fast as the BoringSSL inside swift-crypto on CPUs with AVX-512 IFMA (its `rsaz` 2k code path; see
/// BENCHMARKS.md). The library is opened with `dlopen` rather than linked, so building needs no OpenSSL headers and
/// a machine without `libcrypto.so.3` simply keeps swift-crypto. The functions below take and return opaque
/// pointers only, which keeps the hand-written C signatures small and checkable.
final class SystemOpenSSL: @unchecked Sendable {
    typealias D2IAutoPrivateKey = @convention(c) (
        UnsafeMutablePointer<OpaquePointer?>?, UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int
    ) -> OpaquePointer?
    typealias FreeFunction = @convention(c) (OpaquePointer?) -> Void
    typealias NewFunction = @convention(c) () -> OpaquePointer?
    typealias DigestSignInit = @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?, OpaquePointer?, OpaquePointer?, OpaquePointer?
    ) -> Int32
    typealias DigestSign = @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>, UnsafePointer<UInt8>?, Int
    ) -> Int32
    typealias CopyContext = @convention(c) (OpaquePointer?, OpaquePointer?) -> Int32
    typealias VersionNumber = @convention(c) () -> UInt
    typealias ClearErrors = @convention(c) () -> Void

    let d2iAutoPrivateKey: D2IAutoPrivateKey
    let pkeyFree: FreeFunction
    let mdContextNew: NewFunction
    let mdContextFree: FreeFunction
    let sha256: NewFunction
    let digestSignInit: DigestSignInit
    let digestSign: DigestSign
    let copyContext: CopyContext
    let clearErrors: ClearErrors
    /// `OPENSSL_VERSION_NUMBER` of the loaded library.
    let version: UInt

    /// The library, or `nil` when no OpenSSL 3 `libcrypto` can be loaded.
    static let shared: SystemOpenSSL? = SystemOpenSSL()

    private init?() {
        guard let handle = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL) else { return nil }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            guard let pointer = dlsym(handle, name) else { return nil }
            return unsafeBitCast(pointer, to: type)
        }
        guard let versionNumber = symbol("OpenSSL_version_num", as: VersionNumber.self),
            let d2iAutoPrivateKey = symbol("d2i_AutoPrivateKey", as: D2IAutoPrivateKey.self),
            let pkeyFree = symbol("EVP_PKEY_free", as: FreeFunction.self),
            let mdContextNew = symbol("EVP_MD_CTX_new", as: NewFunction.self),
            let mdContextFree = symbol("EVP_MD_CTX_free", as: FreeFunction.self),
            let sha256 = symbol("EVP_sha256", as: NewFunction.self),
            let digestSignInit = symbol("EVP_DigestSignInit", as: DigestSignInit.self),
            let digestSign = symbol("EVP_DigestSign", as: DigestSign.self),
            let copyContext = symbol("EVP_MD_CTX_copy_ex", as: CopyContext.self),
            let clearErrors = symbol("ERR_clear_error", as: ClearErrors.self)
        else {
            dlclose(handle)
            return nil
        }
        let version = versionNumber()
        guard version >> 28 >= 3 else {  // 0xMNN00PP0L: major in the top nibble
            dlclose(handle)
            return nil
        }
        // The handle stays open for the life of the process: keys and functions refer into it.
        self.version = version
        self.d2iAutoPrivateKey = d2iAutoPrivateKey
        self.pkeyFree = pkeyFree
        self.mdContextNew = mdContextNew
        self.mdContextFree = mdContextFree
        self.sha256 = sha256
        self.digestSignInit = digestSignInit
        self.digestSign = digestSign
        self.copyContext = copyContext
        self.clearErrors = clearErrors
    }
}

/// An RSA private key held by the system OpenSSL, signing RSASSA-PKCS1-v1_5 with SHA-256 (RS256).
final class SystemOpenSSLRSAKey: @unchecked Sendable {
    private let library: SystemOpenSSL
    /// The `EVP_PKEY`; immutable after creation, so concurrent signing with it is safe (OpenSSL 3).
    private let key: OpaquePointer
    /// A digest-sign context initialised once for (SHA-256, `key`) and never used to sign: each signature copies
    /// it. `EVP_DigestSignInit` looks the algorithms up in OpenSSL's provider tables on every call (≈ 10 µs here);
    /// a copy only duplicates the initialised state. Copies only read it, so concurrent signing is safe.
    private let template: OpaquePointer
    private let signatureLength: Int

    /// Loads a PKCS#1 or PKCS#8 DER private key; `nil` if OpenSSL refuses it.
    init?(derRepresentation der: [UInt8], signatureLength: Int, library: SystemOpenSSL) {
        self.library = library
        self.signatureLength = signatureLength
        let loaded: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return library.d2iAutoPrivateKey(nil, &cursor, buffer.count)
        }
        guard let loaded else {
            library.clearErrors()
            return nil
        }
        guard let template = library.mdContextNew() else {
            library.pkeyFree(loaded)
            return nil
        }
        guard library.digestSignInit(template, nil, library.sha256(), nil, loaded) == 1 else {
            library.clearErrors()
            library.mdContextFree(template)
            library.pkeyFree(loaded)
            return nil
        }
        key = loaded
        self.template = template
    }

    deinit {
        library.mdContextFree(template)
        library.pkeyFree(key)
    }

    /// The RS256 signature of `message`, or `nil` if OpenSSL fails.
    func sign(_ message: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let context = library.mdContextNew() else { return nil }
        defer { library.mdContextFree(context) }
        guard library.copyContext(context, template) == 1 else {
            library.clearErrors()
            return nil
        }
        var signature = [UInt8](repeating: 0, count: signatureLength)
        var length = signatureLength
        let status = signature.withUnsafeMutableBufferPointer { out in
            library.digestSign(
                context, out.baseAddress, &length, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count
            )
        }
        guard status == 1, length == signatureLength else {
            library.clearErrors()
            return nil
        }
        return signature
    }
}
