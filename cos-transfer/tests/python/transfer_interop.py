"""The official Python SDK's transfer operations against the emulator.

    transfer_interop.py PORT upload BUCKET KEY SRC      upload_file, PartSize=1 MB, one thread
    transfer_interop.py PORT download BUCKET KEY DEST   download_file with EnableCRC=True
"""
import hashlib
import sys

from qcloud_cos import CosConfig, CosS3Client

port = int(sys.argv[1])
mode, bucket, key, path = sys.argv[2:6]
config = CosConfig(Region='ap-guangzhou', SecretId='AKIDEXAMPLE', SecretKey='SECRETKEYEXAMPLE',
                   Scheme='http', IP='127.0.0.1', Port=port, ServiceDomain='127.0.0.1:%d' % port)
client = CosS3Client(config, retry=1)
if mode == 'upload':
    # The parent kills this process part-way through.
    client.upload_file(Bucket=bucket, Key=key, LocalFilePath=path, PartSize=1, MAXThread=1)
    print('UPLOADED')
elif mode == 'download':
    client.download_file(Bucket=bucket, Key=key, DestFilePath=path, EnableCRC=True)
    with open(path, 'rb') as f:
        print('OK md5=%s' % hashlib.md5(f.read()).hexdigest())
else:
    sys.exit('unknown mode %r' % mode)
