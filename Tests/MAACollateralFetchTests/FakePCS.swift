import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MAADCAP
import MAATesting
import MAAWire
import NIOCore
import Synchronization

/// A PCS v4-shaped loopback server built from real collateral bundles of `../shared/evidence/`: each bundle's
/// fields split into the responses Intel PCS / a PCCS sends (signed JSON bodies, DER CRLs, URL-encoded PEM
/// issuer-chain headers).
///
/// TCB Info is served by the `fmspc` query among all bundles; QE Identity, CRLs and chains come from the bundle
/// whose TEE type matches the request (the first one for the PCK and Root CA CRLs).
struct FakePCS: Sendable {
    /// Ways to misbehave, for negative tests.
    enum Fault: Sendable {
        case none
        /// Flip one byte inside the signed `tcbInfo` body (the signature no longer matches).
        case tamperTCBInfo
        /// Serve the first bundle's TCB Info whatever FMSPC is asked for.
        case ignoreFMSPC
        /// Pad the TCB Info response with this many bytes of whitespace.
        case padTCBResponse(Int)
        /// Replace the TCB Info issuer-chain header with this raw value (`nil`: leave the header out).
        case tcbChainHeader(String?)
        /// Answer every request after this long.
        case delay(Duration)
    }

    let bundles: [CollateralBundle]
    let keys: [CollateralKey]
    var fault: Fault = .none
    /// The paths and queries received, in order.
    let log = RequestLog()

    init(_ files: [String], fault: Fault = .none) throws {
        bundles = try files.map { try CollateralBundle(jsonBytes: try SharedData.bytes($0)) }
        keys = try bundles.map { try VerifiedCollateral($0).key }
        self.fault = fault
    }

    static func encodeHeader(_ pem: String) -> String {
        pem.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    func respond(path: String, query: [String: String]) async throws -> Response {
        log.entries.withLock { $0.append(query.isEmpty ? path : path + "?" + query.keys.sorted().map { "\($0)=\(query[$0] ?? "")" }.joined(separator: "&")) }
        if case .delay(let duration) = fault { try await Task.sleep(for: duration) }
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 4, parts[1] == "certification", parts[2] == "v4" else { return Self.status(.notFound) }
        let tee: TEEType? = parts[0] == "sgx" ? .sgx : parts[0] == "tdx" ? .tdx : nil
        guard let tee else { return Self.status(.notFound) }
        let sameTEE = zip(bundles, keys).filter { $0.1.teeType == tee }.map(\.0)
        switch parts.dropFirst(3).joined(separator: "/") {
        case "tcb":
            guard let fmspc = query["fmspc"].flatMap({ try? Hex.decode($0) }) else { return Self.status(.badRequest) }
            var index = zip(bundles.indices, keys).first { $0.1.teeType == tee && $0.1.fmspc == fmspc }?.0
            if case .ignoreFMSPC = fault { index = 0 }
            guard let index else { return Self.status(.notFound) }
            let bundle = bundles[index]
            var body = bundle.tcbInfo
            if case .tamperTCBInfo = fault, let at = body.firstIndex(of: UInt8(ascii: "1")) { body[at] = UInt8(ascii: "2") }
            var text = "{\"tcbInfo\":" + String(decoding: body, as: UTF8.self) + ",\"signature\":\"\(Hex.encode(bundle.tcbInfoSignature))\"}"
            if case .padTCBResponse(let count) = fault { text += String(repeating: " ", count: count) }
            var headers: HTTPFields = [.contentType: "application/json"]
            switch fault {
            case .tcbChainHeader(let value?): headers[HTTPField.Name("TCB-Info-Issuer-Chain")!] = value
            case .tcbChainHeader(nil): break
            default: headers[HTTPField.Name("TCB-Info-Issuer-Chain")!] = Self.encodeHeader(bundle.tcbInfoIssuerChain)
            }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        case "qe/identity":
            guard let bundle = sameTEE.first else { return Self.status(.notFound) }
            let text = "{\"enclaveIdentity\":" + String(decoding: bundle.qeIdentity, as: UTF8.self)
                + ",\"signature\":\"\(Hex.encode(bundle.qeIdentitySignature))\"}"
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", HTTPField.Name("SGX-Enclave-Identity-Issuer-Chain")!: Self.encodeHeader(bundle.qeIdentityIssuerChain)],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        case "pckcrl" where tee == .sgx:
            guard let ca = query["ca"], let index = keys.firstIndex(where: { $0.caKind.rawValue == ca }), query["encoding"] == "der" else {
                return Self.status(.badRequest)
            }
            let bundle = bundles[index]
            return Response(
                status: .ok,
                headers: [.contentType: "application/pkix-crl", HTTPField.Name("SGX-PCK-CRL-Issuer-Chain")!: Self.encodeHeader(bundle.pckCRLIssuerChain)],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bundle.pckCRL)))
        case "rootcacrl" where tee == .sgx:
            // A PCCS answers with the hex of the DER.
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: Hex.encode(bundles[0].rootCACRL))))
        default:
            return Self.status(.notFound)
        }
    }

    static func status(_ status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [HTTPField.Name("Error-Message")!: "no such resource"])
    }

    /// Runs the server on a free loopback port, calls `body` with its base URL and a client, then shuts the
    /// client down and stops the server.
    ///
    /// The client holds one connection per host: with more, AsyncHTTPClient may open a spare connection that
    /// reaches the server while it stops, which Hummingbird 2.28 traps on (NIOAsyncWriter deinit precondition).
    func serve(_ body: @Sendable (String, HTTPClient) async throws -> Void) async throws {
        let pcs = self
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            return try await pcs.respond(path: request.uri.path, query: query)
        }
        try await withLoopbackApplication(responder: responder, label: "fake-pcs") { port in
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 1)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            do {
                try await body("http://127.0.0.1:\(port)", client)
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }
}

/// Requests a ``FakePCS`` received.
final class RequestLog: Sendable {
    let entries = Mutex<[String]>([])
    var all: [String] { entries.withLock { $0 } }
}
