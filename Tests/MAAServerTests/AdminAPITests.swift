import MAADCAP
import Foundation
import Hummingbird
import HummingbirdTesting
import MAAServer
import MAAService
import MAAWire
import Testing

@Suite("Admin API")
struct AdminAPITests {
    static func jsonHeaders(_ token: String) -> HTTPFields {
        var fields = bearer(token)
        fields[.contentType] = "application/json"
        return fields
    }

    @Test func createListGetDelete() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            let pem = pemCertificate(ServerFixture.signerCertificate)
            let body = try JSONSerialization.data(withJSONObject: [
                "name": "contoso", "mode": "isolated", "signerCertificates": [pem],
                "acceptedTCBStatuses": ["UpToDate"],
            ])
            let created = try await client.execute(
                uri: "/admin/instances", method: .post, headers: Self.jsonHeaders(ServerFixture.adminToken),
                body: ByteBuffer(bytes: Array(body))
            )
            #expect(created.status == .ok, "\(created.text)")
            #expect(created.json?["url"] as? String == "http://localhost:8080/contoso")
            #expect(created.json?["acceptedTCBStatuses"] as? [String] == ["UpToDate"])
            #expect(try await fixture.store.signers(instance: "contoso").count == 1)

            let list = try await client.execute(uri: "/admin/instances", method: .get, headers: bearer(ServerFixture.adminToken))
            let names = (list.json?["instances"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["aad1", "contoso", "hosted", "iso", "shared"])

            let duplicate = try await client.execute(
                uri: "/admin/instances", method: .post, headers: Self.jsonHeaders(ServerFixture.adminToken),
                body: ByteBuffer(bytes: Array(body))
            )
            #expect(duplicate.status == .conflict)
            #expect(duplicate.errorCode == "Conflict")

            let deleted = try await client.execute(
                uri: "/admin/instances/contoso", method: .delete, headers: bearer(ServerFixture.adminToken)
            )
            #expect(deleted.status == .ok)
            let gone = try await client.execute(uri: "/contoso/certs", method: .get)
            #expect(gone.status == .notFound)
            let again = try await client.execute(
                uri: "/admin/instances/contoso", method: .delete, headers: bearer(ServerFixture.adminToken)
            )
            #expect(again.status == .notFound)
        }
    }

    @Test(arguments: [
        (#"{"name":"x1","mode":"isolated"}"#, "InvalidParameter"),
        (#"{"name":"x1","mode":"aad","signerCertificates":["MIIB"]}"#, "InvalidParameter"),
        (#"{"name":"Bad Name","mode":"aad"}"#, "InvalidParameter"),
        (#"{"name":"admin","mode":"aad"}"#, "InvalidParameter"),
        (#"{"name":"x1","mode":"other"}"#, "InvalidParameter"),
        (#"{"name":"x1","mode":"aad","acceptedTCBStatuses":["Revoked"]}"#, "InvalidParameter"),
        (#"{"name":"x1","mode":"aad","acceptedTCBStatuses":[]}"#, "InvalidParameter"),
        (#"{"name":"x1","mode":"aad","baseURL":"ftp://x"}"#, "InvalidParameter"),
        (#"{"name":"x1","mode":"isolated","signerCertificates":["bm90IGEgY2VydA"]}"#, "InvalidParameter"),
        (#"{"mode":"aad"}"#, "InvalidParameter"),
        (#"[1,2]"#, "InvalidParameter"),
    ])
    func badCreateRequests(body: String, code: String) async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            let response = try await client.execute(
                uri: "/admin/instances", method: .post, headers: Self.jsonHeaders(ServerFixture.adminToken),
                body: ByteBuffer(string: body)
            )
            #expect(response.status == .badRequest, "\(body)")
            #expect(response.errorCode == code, "\(body)")
        }
        #expect(try await fixture.store.instances().count == 4)
    }

    @Test func onlyAdminsManageInstances() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            for token in [ServerFixture.readerToken, ServerFixture.contributorToken] {
                let list = try await client.execute(uri: "/admin/instances", method: .get, headers: bearer(token))
                #expect(list.status == .forbidden)
                let delete = try await client.execute(uri: "/admin/instances/aad1", method: .delete, headers: bearer(token))
                #expect(delete.status == .forbidden)
            }
            let anonymous = try await client.execute(uri: "/admin/instances", method: .get)
            #expect(anonymous.status == .unauthorized)
        }
        #expect(try await fixture.store.instances().count == 4)
    }
}

@Suite("Signing-key rotation")
struct KeyRotationTests {
    @Test func rotationKeepsTheOldKeyPublished() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.live { client in
            let before = try await client.execute(uri: "/aad1/certs", method: .get)
            let oldKid = ((before.json?["keys"] as? [[String: Any]])?.first?["kid"] as? String) ?? ""
            let rotated = try await client.execute(
                uri: "/admin/instances/aad1:rotate-key", method: .post, headers: bearer(ServerFixture.adminToken)
            )
            #expect(rotated.status == .ok)
            let after = try await client.execute(uri: "/aad1/certs", method: .get)
            let kids = ((after.json?["keys"] as? [[String: Any]]) ?? []).compactMap { $0["kid"] as? String }
            #expect(kids.count == 2)
            #expect(kids.last == oldKid)
            #expect(kids.first != oldKid)
            let denied = try await client.execute(
                uri: "/admin/instances/aad1:rotate-key", method: .post, headers: bearer(ServerFixture.contributorToken)
            )
            #expect(denied.status == .forbidden)
        }
    }
}
