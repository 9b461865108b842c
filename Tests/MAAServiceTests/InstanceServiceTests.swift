import MAADCAP
import Foundation
import MAAService
import Testing

@Suite("Instances and signing keys (service core)")
struct InstanceServiceTests {
    static func service(clock: TestClock, base: String = "http://localhost:8080") -> AttestationService {
        AttestationService(
            store: InMemoryStore(),
            configuration: ServiceConfiguration(
                publicBaseURL: base,
                now: { clock.now },
                makeSigningKey: { url, now in try SigningKeyFactory.make(instanceURL: url, now: now, key: ServiceFixture.rsa) }
            )
        )
    }

    @Test(arguments: [
        ("https://Attest.Example.COM/aad1", "attest.example.com"),
        ("http://127.0.0.1:8080", "127.0.0.1"),
        ("http://localhost:8080/x?y#z", "localhost"),
        ("HTTP://[::1]:8443/p", "[::1]"),
        ("https://host?query", "host"),
        ("https://h\u{e9}te.example/", "h\u{e9}te.example"),
    ])
    func hostOfURL(url: String, host: String) {
        #expect(InstanceRecord.host(ofURL: url) == host)
    }

    @Test(arguments: ["ftp://host", "https://", "https://:443", "http://[::1", "host:8080", "https:/host"])
    func noHostInMalformedURL(url: String) {
        #expect(InstanceRecord.host(ofURL: url) == nil)
    }

    @Test func retiredKeysStayPublishedUntilTheirTokensExpire() async throws {
        let clock = TestClock(1_000_000)
        let service = Self.service(clock: clock)
        let instance = try await service.createInstance(InstanceSpec(name: "a", mode: .aad), caller: .localAdministrator)
        let first = try await service.activeSigningKey(for: instance)
        clock.now += 100
        try await service.rotateSigningKey(for: instance, caller: .localAdministrator)
        #expect(try await service.signingCertificates(for: instance).keys.count == 2)
        clock.now += 8 * 3600 + 300  // exactly at the horizon: still published
        #expect(try await service.signingCertificates(for: instance).keys.map(\.kid).contains(first.kid))
        clock.now += 1
        let keys = try await service.signingCertificates(for: instance).keys
        #expect(keys.count == 1)
        #expect(keys[0].kid != first.kid)
    }

    @Test func keysFollowTheInstanceURL() async throws {
        let clock = TestClock(1_000_000)
        let store = InMemoryStore()
        let make: @Sendable (String, Int64) throws -> SigningKeyRecord = { url, now in
            try SigningKeyFactory.make(instanceURL: url, now: now, key: ServiceFixture.rsa)
        }
        let first = AttestationService(
            store: store, configuration: ServiceConfiguration(publicBaseURL: "http://127.0.0.1:8080", now: { clock.now }, makeSigningKey: make)
        )
        try await first.createInstance(InstanceSpec(name: "a", mode: .aad), caller: .localAdministrator)
        #expect(try await first.reconcileSigningKeys().isEmpty)
        // The server now runs on another port: the certificate CN must follow the token issuer.
        let moved = AttestationService(
            store: store, configuration: ServiceConfiguration(publicBaseURL: "http://127.0.0.1:9090", now: { clock.now }, makeSigningKey: make)
        )
        #expect(try await moved.reconcileSigningKeys() == ["a"])
        let instance = try await moved.instance(named: "a")
        #expect(try await moved.activeSigningKey(for: instance).subjectURL == "http://127.0.0.1:9090/a")
    }

    @Test func apiTokenIsGeneratedOnceAndStoredHashed() async throws {
        let service = Self.service(clock: TestClock(1))
        let token = try #require(try await service.bootstrapAPIToken(configuredToken: nil))
        #expect(token.hasPrefix("attest_"))
        #expect(try await service.bootstrapAPIToken(configuredToken: nil) == nil)
        let stored = try await service.store.apiTokens()
        #expect(stored.count == 1 && stored[0].tokenHash == StaticTokenAuthenticator.hash(token) && stored[0].role == .admin)
        #expect(try await StaticTokenAuthenticator(store: service.store).authenticate(bearerToken: token)?.role == .admin)
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await service.bootstrapAPIToken(configuredToken: "short")
        }
    }

    @Test(arguments: [
        InstanceSpec(name: "x", mode: .isolated),
        InstanceSpec(name: "x", mode: .shared, signerCertificatesDER: [TestCertificates.signerA]),
        InstanceSpec(name: "X", mode: .aad),
        InstanceSpec(name: "-x", mode: .aad),
        InstanceSpec(name: "metrics", mode: .aad),
        InstanceSpec(name: String(repeating: "a", count: 64), mode: .aad),
        InstanceSpec(name: "x", mode: .aad, acceptedTCBStatuses: ["Revoked"]),
        InstanceSpec(name: "x", mode: .aad, acceptedTCBStatuses: ["UpToDate", "UpToDate"]),
        InstanceSpec(name: "x", mode: .aad, acceptedTCBStatuses: ["uptodate"]),
        InstanceSpec(name: "x", mode: .aad, baseURL: "contoso.test"),
        InstanceSpec(name: "x", mode: .isolated, signerCertificatesDER: [[0x30, 0x03, 0x02, 0x01, 0x01]]),
    ])
    func invalidSpecsAreRejected(spec: InstanceSpec) async throws {
        let service = Self.service(clock: TestClock(1))
        await #expect(throws: ServiceError(.invalidParameter, "")) {
            try await service.createInstance(spec, caller: .localAdministrator)
        }
        await #expect(throws: ServiceError(.forbidden, "")) {
            try await service.createInstance(InstanceSpec(name: "ok", mode: .aad), caller: Principal(id: "c", role: .contributor))
        }
        #expect(try await service.store.instances().isEmpty)
    }

    @Test func secureDefaultTCBStatuses() async throws {
        let instance = try await ServiceFixture().instance("d", .aad)
        #expect(instance.acceptedTCBStatuses == [
            .upToDate, .swHardeningNeeded, .configurationNeeded, .configurationAndSWHardeningNeeded,
            .tdRelaunchAdvised, .tdRelaunchAdvisedConfigurationNeeded,
        ])
        #expect(!instance.acceptedTCBStatuses.contains(.outOfDate))
        #expect(!instance.acceptedTCBStatuses.contains(.outOfDateConfigurationNeeded))
        #expect(!instance.acceptedTCBStatuses.contains(.revoked))
    }
}
