"""Produces the TC3-HMAC-SHA256 golden vectors with Tencent's official Python signer.

Reads a JSON list of cases on stdin and writes the vectors (the cases plus what
tencentcloud-sdk-python-common put on the request) to stdout. Each case is signed by
CommonClient's own request builder (`_build_req_inter`) with `time.time` pinned to
the case's timestamp; nothing is sent.
"""
import json
import sys
import time

from tencentcloud.common import credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile


def sign(case):
    cred = credential.Credential(case["secret_id"], case["secret_key"], case.get("token"))
    http_profile = HttpProfile(endpoint=case["host"], reqMethod=case["method"])
    profile = ClientProfile(httpProfile=http_profile)
    client = CommonClient(case["service"], case["version"], cred, case["region"], profile=profile)
    req = RequestInternal(case["host"], case["method"], "/")
    real_time = time.time
    time.time = lambda: case["timestamp"]
    try:
        client._build_req_inter(case["action"], case["params"], req)
    finally:
        time.time = real_time
    out = dict(case)
    data = req.data if isinstance(req.data, str) else req.data.decode("utf-8")
    if case["method"] == "GET":
        out["query"] = data
        out["payload"] = ""
    else:
        out["query"] = ""
        out["payload"] = data
    out["content_type"] = req.header["Content-Type"]
    out["authorization"] = req.header["Authorization"]
    out["token_header"] = req.header.get("X-TC-Token")
    return out


def main():
    cases = json.load(sys.stdin)
    json.dump([sign(c) for c in cases], sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
