#!/usr/bin/env bash
# Interoperability test: the official Python SDK (azure-security-attestation 1.0.0, unmodified) against
# `attest serve` over loopback. Called by .ci/run after `swift test`; runnable by hand from the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SHARED=$(cd ../shared && pwd)
source Tests/Interop/server-lib.sh

python3 -m pip install -q "azure-security-attestation==1.0.0" six pytest cryptography >/dev/null 2>&1 \
    || python3 -m pip install "azure-security-attestation==1.0.0" six pytest cryptography

swift build --product attest
ATTEST="$ROOT/.build/debug/attest"

make_workdir

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
TOKEN=$(new_token interop)
python3 Tests/Interop/make_signer.py "$WORK/iso.key" "$WORK/iso.pem" "isolated policy signer"
python3 Tests/Interop/make_signer.py "$WORK/other.key" "$WORK/other.pem" "untrusted signer"

# The recorded quote is OutOfDate under the collateral available for it (see ../shared/evidence/README.md):
# these instances accept that status explicitly; the secure default would refuse it.
TCB=(--accepted-tcb-status UpToDate --accepted-tcb-status SWHardeningNeeded --accepted-tcb-status ConfigurationNeeded
     --accepted-tcb-status ConfigurationAndSWHardeningNeeded --accepted-tcb-status OutOfDate)
"$ATTEST" instance create sdk-aad --mode aad "${TCB[@]}" --data-dir "$WORK/data" --public-url "$BASE" >/dev/null
"$ATTEST" instance create sdk-iso --mode isolated --signer-cert "$WORK/iso.pem" "${TCB[@]}" \
    --data-dir "$WORK/data" --public-url "$BASE" >/dev/null

"$ATTEST" serve --port "$PORT" --data-dir "$WORK/data" --api-token "$TOKEN" \
    --collateral "$SHARED/evidence/assembled-collateral/sgx-dcap/azure_sdk_oe_report_sgx_quote.bin.run1.collateral.json" \
    --collateral-time 1738752225 > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_healthy "$BASE" "$SERVER_PID" "$WORK/server.log"

status=0
SHARED_DIR="$SHARED" ATTEST_AAD_URL="$BASE/sdk-aad" ATTEST_ISOLATED_URL="$BASE/sdk-iso" ATTEST_API_TOKEN="$TOKEN" \
ISOLATED_SIGNER_KEY="$WORK/iso.key" ISOLATED_SIGNER_CERT="$WORK/iso.pem" \
OTHER_SIGNER_KEY="$WORK/other.key" OTHER_SIGNER_CERT="$WORK/other.pem" \
    python3 -m pytest -q -p no:cacheprovider Tests/Interop/test_python_sdk.py || status=$?
if [ "$status" -ne 0 ]; then echo "--- server log ---"; tail -50 "$WORK/server.log"; fi
exit "$status"
