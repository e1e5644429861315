"""The official Python SDK and SSE-C objects on the emulator.

    sse_interop.py PORT put BUCKET KEY SRC KEY_B64    upload_file (1 MB parts) with the SSE-C key
    sse_interop.py PORT get BUCKET KEY DEST KEY_B64   get_object with the SSE-C key, to DEST
"""
import base64
import hashlib
import sys

from qcloud_cos import CosConfig, CosS3Client

port = int(sys.argv[1])
mode, bucket, key, path, key_b64 = sys.argv[2:7]
config = CosConfig(Region='ap-guangzhou', SecretId='AKIDEXAMPLE', SecretKey='SECRETKEYEXAMPLE',
                   Scheme='http', IP='127.0.0.1', Port=port, ServiceDomain='127.0.0.1:%d' % port)
client = CosS3Client(config, retry=1)
sse = {
    'SSECustomerAlgorithm': 'AES256',
    'SSECustomerKey': key_b64,
    'SSECustomerKeyMD5': base64.b64encode(hashlib.md5(base64.b64decode(key_b64)).digest()).decode(),
}
if mode == 'put':
    client.upload_file(Bucket=bucket, Key=key, LocalFilePath=path, PartSize=1, MAXThread=1, **sse)
    print('UPLOADED')
elif mode == 'get':
    response = client.get_object(Bucket=bucket, Key=key, **sse)
    response['Body'].get_stream_to_file(path)
    with open(path, 'rb') as f:
        print('OK md5=%s' % hashlib.md5(f.read()).hexdigest())
else:
    sys.exit('unknown mode %r' % mode)
