import MAAWire

/// The JSON objects of `attest policy eval --json`: a contract that automation relies on, so the shapes are fixed.
///
/// - Result: `{"permitted": bool, "claims": [{"type": …, "value": …}, …], "properties": {…}, "policyHash": "…"}`,
///   claims being the outgoing set in issue order; with a trace, a final `"trace": "…"` member is added.
/// - Error: `{"error": {"code": "PolicyParsingError" | "PolicyEvaluationError", "message": …, "line": n,
///   "column": n}}`, line and column being 0 when unknown.
public enum EvaluationReport {
    /// The result object for an evaluation.
    public static func json(_ evaluation: PolicyEvaluation, policyHash: String, trace: PolicyTrace? = nil) -> String {
        var object = JSONObject()
        object["permitted"] = .bool(evaluation.isPermitted)
        object["claims"] = .array(
            evaluation.issuedClaims.map { claim in
                var entry = JSONObject()
                entry["type"] = .string(claim.type)
                entry["value"] = json(claim.value)
                return .object(entry)
            })
        var properties = JSONObject()
        for (name, value) in evaluation.properties.entries { properties[name] = json(value) }
        object["properties"] = .object(properties)
        object["policyHash"] = .string(policyHash)
        if let trace { object["trace"] = .string(trace.report) }
        return JSONValue.object(object).serialized(.preservingOrder)
    }

    /// The error object for a parse or evaluation error.
    public static func json(_ error: PolicyError) -> String {
        var details = JSONObject()
        details["code"] = .string(error.code.name)
        details["message"] = .string(error.message)
        details["line"] = .integer(Int64(error.position?.line ?? 0))
        details["column"] = .integer(Int64(error.position?.column ?? 0))
        var object = JSONObject()
        object["error"] = .object(details)
        return JSONValue.object(object).serialized(.preservingOrder)
    }

    static func json(_ value: ClaimValue) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .integer(let number): .integer(number)
        case .boolean(let flag): .bool(flag)
        }
    }
}
