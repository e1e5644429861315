"""The official Python SDK's CosEncryptionClient against the emulator, driven by cos-crypto's (and cos-cli's)
interop tests.

    cse_interop.py PORT KEYS_DIR < ops.json > results.json

ops.json is a list of operations, each one of
    {"op": "put", "provider": P, "key": K, "src": PATH, "part_size": null | N}
        put_object (part_size null) or create_multipart_upload + upload_part (parts of N
        bytes, in order) + complete_multipart_upload
    {"op": "get", "provider": P, "key": K, "range": null | [FIRST, LAST]}
        get_object (with Range: bytes=FIRST-LAST), answering the md5, length and (when
        short) hex of the decrypted bytes
with P one of "aes" (AESProvider(aes_key=...)), "rsa-pair" (RSAProvider with
get_rsa_key_pair: PKCS#1 v1.5), "rsa-path" (RSAProvider with get_rsa_key_pair_path: OAEP),
"rsa-generate" (RSAProvider() with the keys of ~/.cos_local_rsa, generated when missing),
"aes-generate" (AESProvider() with ~/.cos_local_aes/.aes_key.pem, generated when missing).
An operation may name another key folder ("keys") and a "passphrase".
"""
import hashlib
import json
import os
import sys

from qcloud_cos import CosConfig
from qcloud_cos.cos_encryption_client import CosEncryptionClient
from qcloud_cos.crypto import AESProvider, RSAProvider

BUCKET = 'examplebucket-1250000000'
port = int(sys.argv[1])
keys = sys.argv[2]
config = CosConfig(Region='ap-guangzhou', SecretId='AKIDEXAMPLE', SecretKey='SECRETKEYEXAMPLE',
                   Scheme='http', IP='127.0.0.1', Port=port, ServiceDomain='127.0.0.1:%d' % port)


def provider(name, op):
    kdir = op.get('keys', keys)
    pub, priv = os.path.join(kdir, 'rsa_public.pem'), os.path.join(kdir, 'rsa_private.pem')
    if name == 'aes-generate':
        # AESProvider() without a key: loads ~/.cos_local_aes/.aes_key.pem, generating it
        # when missing.
        return AESProvider()
    if name == 'rsa-generate':
        # RSAProvider() without keys: loads ~/.cos_local_rsa, generating it when missing.
        return RSAProvider(passphrase=op.get('passphrase'))
    if name == 'aes':
        with open(os.path.join(keys, 'aes_master.b64')) as f:
            return AESProvider(aes_key=f.read().strip())
    if name == 'rsa-pair':
        with open(pub) as a, open(priv) as b:
            return RSAProvider(RSAProvider.get_rsa_key_pair(a.read(), b.read()))
    if name == 'rsa-path':
        return RSAProvider(RSAProvider.get_rsa_key_pair_path(pub, priv), passphrase=op.get('passphrase'))
    raise SystemExit('unknown provider %r' % name)


def put(client, op):
    with open(op['src'], 'rb') as f:
        data = f.read()
    size = op.get('part_size')
    if size is None:
        r = client.put_object(Bucket=BUCKET, Body=data, Key=op['key'])
        return {'etag': r['ETag']}
    up = client.create_multipart_upload(Bucket=BUCKET, Key=op['key'])
    parts = []
    for n, start in enumerate(range(0, len(data), size), 1):
        r = client.upload_part(Bucket=BUCKET, Key=op['key'], Body=data[start:start + size],
                               PartNumber=n, UploadId=up['UploadId'])
        parts.append({'PartNumber': n, 'ETag': r['ETag']})
    r = client.complete_multipart_upload(Bucket=BUCKET, Key=op['key'], UploadId=up['UploadId'],
                                         MultipartUpload={'Part': parts})
    return {'etag': r['ETag']}


def get(client, op):
    kwargs = {}
    if op.get('range') is not None:
        kwargs['Range'] = 'bytes=%d-%d' % tuple(op['range'])
    body = client.get_object(Bucket=BUCKET, Key=op['key'], **kwargs)['Body']
    out = b''
    while True:
        chunk = body.read(1024 * 1024)
        if not chunk:
            break
        out += chunk
    res = {'md5': hashlib.md5(out).hexdigest(), 'len': len(out)}
    if len(out) <= 4096:
        res['hex'] = out.hex()
    return res


results = []
for op in json.load(sys.stdin):
    client = CosEncryptionClient(config, provider(op['provider'], op), retry=1)
    results.append(put(client, op) if op['op'] == 'put' else get(client, op))
print(json.dumps(results))
