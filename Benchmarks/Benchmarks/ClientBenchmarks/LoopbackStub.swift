import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 server on a loopback port that answers `/certs` with the recorded JWKS and every other request
/// with the recorded attestation response: the far end of the loopback benchmark, costing as little as possible.
enum LoopbackStub {
    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let certs: ByteBuffer
        let attestation: ByteBuffer
        var wantsCerts = false

        init(certs: ByteBuffer, attestation: ByteBuffer) {
            self.certs = certs
            self.attestation = attestation
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                wantsCerts = head.uri.hasSuffix("/certs")
            case .body:
                break
            case .end:
                let body = wantsCerts ? certs : attestation
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
                headers.add(name: "Content-Length", value: String(body.readableBytes))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }

    /// Starts the stub and returns its channel (close it to stop) and port.
    static func start(certs: [UInt8], attestation: [UInt8]) async throws -> (channel: any Channel, port: Int) {
        let certsBuffer = ByteBuffer(bytes: certs)
        let attestationBuffer = ByteBuffer(bytes: attestation)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(certs: certsBuffer, attestation: attestationBuffer))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return (channel, channel.localAddress?.port ?? 0)
    }
}
