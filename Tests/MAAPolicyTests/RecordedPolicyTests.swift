import Foundation
import MAAPolicy
import MAATesting
import MAAWire
import Testing

/// Every policy text in `shared/maa-data` parses: the policy files, the texts of the recorded get/set policy
/// exchanges (including base64url `AttestationPolicy` payloads) and draft policies sent with attest calls.
@Suite struct RecordedPolicyTests {
    static func recordedPolicies() throws -> [(String, String)] {
        var found: [(String, String)] = []
        for file in try SharedData.files(in: "maa-data/policies") {
            found.append((file, try SharedData.text("maa-data/policies/\(file)")))
        }
        for file in try SharedData.files(in: "maa-data/exchanges") where file.hasSuffix(".json") {
            let object = try JSONSerialization.jsonObject(with: Data(SharedData.bytes("maa-data/exchanges/\(file)")))
            collect(object, file: file, into: &found)
        }
        return found
    }

    private static func collect(_ node: Any, file: String, into found: inout [(String, String)]) {
        if let object = node as? [String: Any] {
            for (key, value) in object {
                if key == "policy_text", let text = value as? String {
                    found.append(("\(file) policy_text", text))
                } else if key == "AttestationPolicy", let encoded = value as? String,
                    let bytes = try? Base64.decode(encoded, alphabet: .url)
                {
                    found.append(("\(file) AttestationPolicy", String(decoding: bytes, as: UTF8.self)))
                } else if key == "request_body_raw", let raw = value as? String,
                    let body = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any],
                    let draft = body["draftPolicyForAttestation"] as? String
                {
                    found.append(("\(file) draftPolicyForAttestation", draft))
                } else {
                    collect(value, file: file, into: &found)
                }
            }
        } else if let array = node as? [Any] {
            for element in array { collect(element, file: file, into: &found) }
        }
    }

    @Test func everyRecordedPolicyParses() throws {
        let policies = try Self.recordedPolicies()
        // 2 files, 9 get-policy texts, 4 set-policy payloads, 1 draft policy.
        #expect(policies.count >= 16)
        #expect(policies.contains { $0.0.contains("draftPolicyForAttestation") })
        #expect(policies.contains { $0.0.contains("AttestationPolicy") })
        for (origin, text) in policies {
            do {
                let policy = try AttestationPolicy(text: text)
                #expect(policy.document.authorizationRules.rules.isEmpty == false, "\(origin)")
            } catch {
                Issue.record("\(origin): \(error)")
            }
        }
    }
}
