"""Drives the official cos-python-sdk-v5 through every operation against cos-emulator.

usage: python interop.py PORT
Exits non-zero on the first failed assertion.
"""
import hashlib
import io
import json
import os
import sys
import tempfile
import time

import requests
from qcloud_cos import CosConfig, CosS3Client
from qcloud_cos.cos_exception import CosServiceError

PORT = int(sys.argv[1])
REGION = 'ap-guangzhou'
SID, SKEY = 'AKIDEXAMPLE', 'SECRETKEYEXAMPLE'
BUCKET = 'interop-1250000000'
VBUCKET = 'versioned-1250000000'
MiB = 1024 * 1024


def config(secret_key=SKEY, **kw):
    return CosConfig(Region=REGION, SecretId=SID, SecretKey=secret_key, Scheme='http',
                     IP='127.0.0.1', Port=PORT, ServiceDomain='127.0.0.1:%d' % PORT, **kw)


client = CosS3Client(config(), retry=0)
STEPS = []


def step(name):
    STEPS.append(name)
    print('--', name, flush=True)


def expect_error(code, status, fn, *a, **kw):
    try:
        fn(*a, **kw)
    except CosServiceError as e:
        assert e.get_error_code() == code, (code, e.get_error_code(), e.get_error_msg())
        assert e.get_status_code() == status, (status, e.get_status_code())
        return e
    raise AssertionError('expected %s' % code)


def body(resp):
    return resp['Body'].get_raw_stream().read()


# ---------------------------------------------------------------- buckets
step('create_bucket / head_bucket / bucket_exists / location')
client.create_bucket(Bucket=BUCKET)
client.create_bucket(Bucket=VBUCKET, ACL='private', BucketAZConfig='MAZ')
expect_error('BucketAlreadyExists', 409, client.create_bucket, Bucket=BUCKET)
client.head_bucket(Bucket=BUCKET)
assert client.bucket_exists(Bucket=BUCKET)
assert not client.bucket_exists(Bucket='missing-1250000000')
loc = client.get_bucket_location(Bucket=BUCKET)
assert loc['LocationConstraint'] == REGION, loc

step('list_buckets')
names = [b['Name'] for b in client.list_buckets()['Buckets']['Bucket']]
assert BUCKET in names and VBUCKET in names, names

# ---------------------------------------------------------------- auth
step('wrong secret key -> SignatureDoesNotMatch')
bad = CosS3Client(config(secret_key='WRONG'), retry=0)
expect_error('SignatureDoesNotMatch', 403, bad.get_bucket_location, Bucket=BUCKET)
step('unknown access key -> InvalidAccessKeyId')
unknown = CosS3Client(CosConfig(Region=REGION, SecretId='AKIDNOBODY', SecretKey=SKEY, Scheme='http',
                                IP='127.0.0.1', Port=PORT), retry=0)
expect_error('InvalidAccessKeyId', 403, unknown.get_bucket_location, Bucket=BUCKET)

# ---------------------------------------------------------------- simple objects
step('put_object with headers and metadata; head; get with range and overrides')
data = b'hello, cos emulator! ' * 100
r = client.put_object(Bucket=BUCKET, Key='dir/a b+c%d~e.txt', Body=data, ContentType='text/plain',
                      CacheControl='no-cache', ContentDisposition='attachment', Metadata={'x-cos-meta-author': 'Zhang San'},
                      StorageClass='STANDARD_IA', EnableMD5=True)
md5 = hashlib.md5(data).hexdigest()
assert r['ETag'] == '"%s"' % md5, r
assert r['x-cos-hash-crc64ecma'], r
h = client.head_object(Bucket=BUCKET, Key='dir/a b+c%d~e.txt')
assert int(h['Content-Length']) == len(data), h
assert h['Content-Type'] == 'text/plain' and h['Cache-Control'] == 'no-cache', h
assert h['x-cos-meta-author'] == 'Zhang San', h
assert h['x-cos-storage-class'] == 'STANDARD_IA', h
assert h['x-cos-hash-crc64ecma'] == r['x-cos-hash-crc64ecma']
g = client.get_object(Bucket=BUCKET, Key='dir/a b+c%d~e.txt', Range='bytes=0-4', ResponseContentType='text/html')
assert body(g) == b'hello' and g['Content-Type'] == 'text/html' and g['Content-Range'] == 'bytes 0-4/%d' % len(data), g
g = client.get_object(Bucket=BUCKET, Key='dir/a b+c%d~e.txt', Range='bytes=-3')
assert body(g) == data[-3:]
g = client.get_object(Bucket=BUCKET, Key='dir/a b+c%d~e.txt', Range='bytes=2090-')
assert body(g) == data[2090:]
expect_error('InvalidRange', 416, client.get_object, Bucket=BUCKET, Key='dir/a b+c%d~e.txt', Range='bytes=99999-')
assert body(client.get_object(Bucket=BUCKET, Key='dir/a b+c%d~e.txt')) == data
client.put_object(Bucket=BUCKET, Key='文件/测试.txt', Body=b'unicode')
assert body(client.get_object(Bucket=BUCKET, Key='文件/测试.txt')) == b'unicode'

step('conditional get -> 412 / 304')
expect_error('PreconditionFailed', 412, client.get_object, Bucket=BUCKET, Key='dir/a b+c%d~e.txt', IfMatch='"nope"')
try:
    client.get_object(Bucket=BUCKET, Key='dir/a b+c%d~e.txt', IfNoneMatch='"%s"' % md5)
    raise AssertionError('expected 304')
except CosServiceError as e:
    assert e.get_status_code() == 304, e.get_status_code()
except OSError as e:
    # 304 has no body and no Content-Length: the SDK's StreamBody refuses it.
    assert 'Content-Length' in str(e), e
g = client.get_object(Bucket=BUCKET, Key='dir/a b+c%d~e.txt', IfMatch='"%s"' % md5,
                      IfModifiedSince='Thu, 01 Jan 1970 00:00:00 GMT')
assert body(g) == data
expect_error('PreconditionFailed', 412, client.get_object, Bucket=BUCKET, Key='dir/a b+c%d~e.txt',
             IfUnmodifiedSince='Thu, 01 Jan 1970 00:00:00 GMT')

step('missing objects')
expect_error('NoSuchKey', 404, client.get_object, Bucket=BUCKET, Key='nokey')
expect_error('NoSuchResource', 404, client.head_object, Bucket=BUCKET, Key='nokey')
expect_error('NoSuchBucket', 404, client.get_object, Bucket='missing-1250000000', Key='k')

step('Content-MD5 mismatch -> BadDigest')
expect_error('BadDigest', 400, client.put_object, Bucket=BUCKET, Key='bad', Body=b'abc',
             ContentMD5='1B2M2Y8AsgTpgAmY7PhCfg==')
expect_error('NoSuchKey', 404, client.get_object, Bucket=BUCKET, Key='bad')

step('traffic limit range check; forbid overwrite')
client.put_object(Bucket=BUCKET, Key='limited', Body=b'x', TrafficLimit='819200')
expect_error('InvalidArgument', 400, client.put_object, Bucket=BUCKET, Key='limited', Body=b'x', TrafficLimit='100')
e = expect_error('FileAlreadyExists', 409, client.put_object, Bucket=BUCKET, Key='limited', Body=b'y',
                 Metadata={'x-cos-forbid-overwrite': 'true'})

step('presigned URLs, tampered -> 403')
# Presign with the real domain (the signed host), then send it to the emulator with that Host.
domain = '%s.cos.%s.myqcloud.com' % (BUCKET, REGION)
presigner = CosS3Client(CosConfig(Region=REGION, SecretId=SID, SecretKey=SKEY, Scheme='http'))
url = presigner.get_presigned_url(Bucket=BUCKET, Key='dir/a b+c%d~e.txt', Method='GET', Expired=300)
url = url.replace('http://' + domain, 'http://127.0.0.1:%d' % PORT, 1)
rr = requests.get(url, headers={'Host': '%s.cos.%s.myqcloud.com' % (BUCKET, REGION)})
assert rr.status_code == 200 and rr.content == data, (rr.status_code, rr.text, url)
tampered = url.replace('a%20b', 'a%20c', 1)
rr = requests.get(tampered, headers={'Host': '%s.cos.%s.myqcloud.com' % (BUCKET, REGION)})
assert rr.status_code == 403, (rr.status_code, rr.text)
sig_tampered = url[:-4] + ('0000' if not url.endswith('0000') else '1111')
rr = requests.get(sig_tampered, headers={'Host': '%s.cos.%s.myqcloud.com' % (BUCKET, REGION)})
assert rr.status_code == 403 and '<Code>SignatureDoesNotMatch</Code>' in rr.text, (rr.status_code, rr.text)
rr = requests.get('http://127.0.0.1:%d/dir/x' % PORT, headers={'Host': '%s.cos.%s.myqcloud.com' % (BUCKET, REGION)})
assert rr.status_code == 403 and '<Code>AccessDenied</Code>' in rr.text, (rr.status_code, rr.text)
assert rr.headers.get('x-cos-request-id') and rr.headers.get('x-cos-trace-id')

step('list_objects: prefix, delimiter, marker, max-keys, encoding-type=url')
for k in ['list/a.txt', 'list/b.txt', 'list/sub/c.txt', 'list/sub/d.txt', 'list/z z+.txt']:
    client.put_object(Bucket=BUCKET, Key=k, Body=k.encode())
r = client.list_objects(Bucket=BUCKET, Prefix='list/', Delimiter='/')
keys = [c['Key'] for c in r['Contents']]
assert keys == ['list/a.txt', 'list/b.txt', 'list/z z+.txt'], keys
assert [p['Prefix'] for p in r['CommonPrefixes']] == ['list/sub/'], r['CommonPrefixes']
r = client.list_objects(Bucket=BUCKET, Prefix='list/', MaxKeys=2)
assert r['IsTruncated'] == 'true' and len(r['Contents']) == 2, r
r2 = client.list_objects(Bucket=BUCKET, Prefix='list/', Marker=r['NextMarker'])
assert [c['Key'] for c in r2['Contents']] == ['list/sub/c.txt', 'list/sub/d.txt', 'list/z z+.txt'], r2
r = client.list_objects(Bucket=BUCKET, Prefix='list/z', EncodingType='url')
assert r['Contents'][0]['Key'] == 'list/z%20z%2B.txt', r

step('object ACL, bucket ACL and anonymous access')
client.put_object_acl(Bucket=BUCKET, Key='list/a.txt', ACL='public-read')
acl = client.get_object_acl(Bucket=BUCKET, Key='list/a.txt')
grants = acl['AccessControlList']['Grant']
grants = grants if isinstance(grants, list) else [grants]
assert any(g['Permission'] == 'READ' for g in grants), acl
anon = requests.get('http://127.0.0.1:%d/list/a.txt' % PORT, headers={'Host': '%s.cos.%s.myqcloud.com' % (BUCKET, REGION)})
assert anon.status_code == 200 and anon.content == b'list/a.txt', anon.status_code
client.put_bucket_acl(Bucket=BUCKET, ACL='private', GrantRead='id="100000000002"')
acl = client.get_bucket_acl(Bucket=BUCKET)
assert 'qcs::cam::uin/100000000002:uin/100000000002' in json.dumps(acl), acl
client.put_bucket_acl(Bucket=BUCKET, AccessControlPolicy={
    'Owner': {'ID': 'qcs::cam::uin/100000000001:uin/100000000001'},
    'AccessControlList': {'Grant': [{'Grantee': {'Type': 'Group', 'URI': 'http://cam.qcloud.com/groups/global/AllUsers'},
                                     'Permission': 'READ'}]}})
anon = requests.get('http://127.0.0.1:%d/list/b.txt' % PORT, headers={'Host': '%s.cos.%s.myqcloud.com' % (BUCKET, REGION)})
assert anon.status_code == 200, anon.status_code
client.put_bucket_acl(Bucket=BUCKET, ACL='private')
anon = requests.get('http://127.0.0.1:%d/list/b.txt' % PORT, headers={'Host': '%s.cos.%s.myqcloud.com' % (BUCKET, REGION)})
assert anon.status_code == 403, anon.status_code

step('CORS put/get/delete and OPTIONS preflight')
client.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={'CORSRule': [{
    'ID': 'r1', 'AllowedOrigin': ['http://www.qq.com'], 'AllowedMethod': ['GET', 'PUT'],
    'AllowedHeader': ['x-cos-meta-test'], 'ExposeHeader': ['x-cos-meta-test1'], 'MaxAgeSeconds': 500}]})
cors = client.get_bucket_cors(Bucket=BUCKET)
assert cors['CORSRule'][0]['AllowedOrigin'] == ['http://www.qq.com'] or cors['CORSRule'][0]['AllowedOrigin'] == 'http://www.qq.com', cors
pre = requests.options('http://127.0.0.1:%d/list/a.txt' % PORT, headers={
    'Host': '%s.cos.%s.myqcloud.com' % (BUCKET, REGION), 'Origin': 'http://www.qq.com',
    'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'x-cos-meta-test'})
assert pre.status_code == 200 and pre.headers['Access-Control-Allow-Origin'] == 'http://www.qq.com', (pre.status_code, pre.text)
assert pre.headers['Access-Control-Max-Age'] == '500'
pre = requests.options('http://127.0.0.1:%d/list/a.txt' % PORT, headers={
    'Host': '%s.cos.%s.myqcloud.com' % (BUCKET, REGION), 'Origin': 'http://evil.com',
    'Access-Control-Request-Method': 'PUT'})
assert pre.status_code == 403, pre.status_code
client.delete_bucket_cors(Bucket=BUCKET)
expect_error('NoSuchCORSConfiguration', 404, client.get_bucket_cors, Bucket=BUCKET)

step('lifecycle put/get/delete')
client.put_bucket_lifecycle(Bucket=BUCKET, LifecycleConfiguration={'Rule': [{
    'ID': 'expire', 'Filter': {'Prefix': 'logs/'}, 'Status': 'Enabled', 'Expiration': {'Days': 30}}]})
lc = client.get_bucket_lifecycle(Bucket=BUCKET)
rule = lc['Rule'][0] if isinstance(lc['Rule'], list) else lc['Rule']
assert rule['ID'] == 'expire' and rule['Expiration']['Days'] == '30', lc
client.delete_bucket_lifecycle(Bucket=BUCKET)
expect_error('NoSuchLifecycleConfiguration', 404, client.get_bucket_lifecycle, Bucket=BUCKET)

step('bucket tagging and policy')
client.put_bucket_tagging(Bucket=BUCKET, Tagging={'TagSet': {'Tag': [{'Key': 'env', 'Value': 'test'}]}})
t = client.get_bucket_tagging(Bucket=BUCKET)
assert t['TagSet']['Tag'][0]['Key'] == 'env' if isinstance(t['TagSet']['Tag'], list) else t['TagSet']['Tag']['Key'] == 'env', t
client.delete_bucket_tagging(Bucket=BUCKET)
policy = {'Statement': [{'Principal': {'qcs': ['qcs::cam::anyone:anyone']}, 'Effect': 'allow',
                         'Action': ['name/cos:GetObject'], 'Resource': ['qcs::cos:%s:uid/1250000000:%s/*' % (REGION, BUCKET)]}],
          'version': '2.0'}
client.put_bucket_policy(Bucket=BUCKET, Policy=policy)
got = json.loads(client.get_bucket_policy(Bucket=BUCKET)['Policy'])
assert got == policy, got
client.delete_bucket_policy(Bucket=BUCKET)

step('object tagging')
client.put_object_tagging(Bucket=BUCKET, Key='list/a.txt', Tagging={'TagSet': {'Tag': [{'Key': 'k1', 'Value': 'v1'}]}})
t = client.get_object_tagging(Bucket=BUCKET, Key='list/a.txt')
tag = t['TagSet']['Tag'][0] if isinstance(t['TagSet']['Tag'], list) else t['TagSet']['Tag']
assert tag == {'Key': 'k1', 'Value': 'v1'}, t
assert client.head_object(Bucket=BUCKET, Key='list/a.txt')['x-cos-tagging-count'] == '1'
client.delete_object_tagging(Bucket=BUCKET, Key='list/a.txt')

step('copy_object (metadata Copy/Replaced, cross-bucket, conditions)')
src = {'Bucket': BUCKET, 'Key': 'dir/a b+c%d~e.txt', 'Region': REGION}
r = client.copy_object(Bucket=BUCKET, Key='copy/one', CopySource=src)
assert r['ETag'] == '"%s"' % md5, r
h = client.head_object(Bucket=BUCKET, Key='copy/one')
assert h['x-cos-meta-author'] == 'Zhang San' and h['Content-Type'] == 'text/plain', h
client.copy_object(Bucket=VBUCKET, Key='copy/two', CopySource=src, CopyStatus='Replaced',
                   ContentType='application/json', Metadata={'x-cos-meta-new': 'yes'})
h = client.head_object(Bucket=VBUCKET, Key='copy/two')
assert h['Content-Type'] == 'application/json' and h.get('x-cos-meta-new') == 'yes' and 'x-cos-meta-author' not in h, h
assert body(client.get_object(Bucket=VBUCKET, Key='copy/two')) == data
expect_error('PreconditionFailed', 412, client.copy_object, Bucket=BUCKET, Key='copy/three', CopySource=src,
             CopySourceIfMatch='"nope"')
expect_error('NoSuchKey', 404, client.copy_object, Bucket=BUCKET, Key='copy/four',
             CopySource={'Bucket': BUCKET, 'Key': 'nokey', 'Region': REGION})

step('delete_object / delete_objects (quiet and verbose)')
client.delete_object(Bucket=BUCKET, Key='copy/one')
expect_error('NoSuchKey', 404, client.get_object, Bucket=BUCKET, Key='copy/one')
r = client.delete_objects(Bucket=BUCKET, Delete={'Object': [{'Key': 'list/sub/c.txt'}, {'Key': 'list/sub/d.txt'}], 'Quiet': 'false'})
deleted = r['Deleted'] if isinstance(r['Deleted'], list) else [r['Deleted']]
assert sorted(d['Key'] for d in deleted) == ['list/sub/c.txt', 'list/sub/d.txt'], r
r = client.delete_objects(Bucket=BUCKET, Delete={'Object': [{'Key': 'list/b.txt'}], 'Quiet': 'true'})
assert 'Deleted' not in r, r
assert client.list_objects(Bucket=BUCKET, Prefix='list/sub/').get('Contents') is None

step('append_object')
r = client.append_object(Bucket=BUCKET, Key='append.log', Position=0, Data=b'first;')
assert r['x-cos-next-append-position'] == '6', r
r = client.append_object(Bucket=BUCKET, Key='append.log', Position=6, Data=b'second')
assert r['x-cos-next-append-position'] == '12', r
expect_error('PositionNotEqualToLength', 409, client.append_object, Bucket=BUCKET, Key='append.log', Position=3, Data=b'x')
expect_error('ObjectNotAppendable', 409, client.append_object, Bucket=BUCKET, Key='limited', Position=1, Data=b'x')
assert body(client.get_object(Bucket=BUCKET, Key='append.log')) == b'first;second'

step('ARCHIVE object: InvalidObjectState until restore')
client.put_object(Bucket=BUCKET, Key='cold.bin', Body=b'frozen', StorageClass='ARCHIVE')
expect_error('InvalidObjectState', 403, client.get_object, Bucket=BUCKET, Key='cold.bin')
client.restore_object(Bucket=BUCKET, Key='cold.bin', RestoreRequest={'Days': 1, 'CASJobParameters': {'Tier': 'Expedited'}})
# A restore takes time (the emulator's clock has to move past it): still archived.
expect_error('InvalidObjectState', 403, client.get_object, Bucket=BUCKET, Key='cold.bin')
assert 'ongoing-request="true"' in client.head_object(Bucket=BUCKET, Key='cold.bin')['x-cos-restore']
expect_error('RestoreAlreadyInProgress', 409, client.restore_object, Bucket=BUCKET, Key='cold.bin', RestoreRequest={'Days': 1})
expect_error('InvalidObjectState', 403, client.restore_object, Bucket=BUCKET, Key='limited', RestoreRequest={'Days': 1})

# ---------------------------------------------------------------- multipart
step('multipart: initiate / upload_part / list_parts / list_multipart_uploads / complete')
part1 = os.urandom(MiB)
part2 = os.urandom(1000)
up = client.create_multipart_upload(Bucket=BUCKET, Key='mp/obj.bin', ContentType='application/x-test')
uid = up['UploadId']
u = client.list_multipart_uploads(Bucket=BUCKET, Prefix='mp/')
ups = u['Upload'] if isinstance(u['Upload'], list) else [u['Upload']]
assert ups[0]['UploadId'] == uid, u
e1 = client.upload_part(Bucket=BUCKET, Key='mp/obj.bin', Body=part1, PartNumber=1, UploadId=uid)['ETag']
e2 = client.upload_part(Bucket=BUCKET, Key='mp/obj.bin', Body=part2, PartNumber=2, UploadId=uid)['ETag']
assert e1 == '"%s"' % hashlib.md5(part1).hexdigest()
lp = client.list_parts(Bucket=BUCKET, Key='mp/obj.bin', UploadId=uid)
assert [p['PartNumber'] for p in lp['Part']] == ['1', '2'], lp
expect_error('InvalidPartOrder', 400, client.complete_multipart_upload, Bucket=BUCKET, Key='mp/obj.bin', UploadId=uid,
             MultipartUpload={'Part': [{'PartNumber': 2, 'ETag': e2}, {'PartNumber': 1, 'ETag': e1}]})
expect_error('InvalidPart', 400, client.complete_multipart_upload, Bucket=BUCKET, Key='mp/obj.bin', UploadId=uid,
             MultipartUpload={'Part': [{'PartNumber': 1, 'ETag': e2}, {'PartNumber': 2, 'ETag': e2}]})
r = client.complete_multipart_upload(Bucket=BUCKET, Key='mp/obj.bin', UploadId=uid,
                                     MultipartUpload={'Part': [{'PartNumber': 1, 'ETag': e1}, {'PartNumber': 2, 'ETag': e2}]})
want = hashlib.md5(bytes.fromhex(e1.strip('"')) + bytes.fromhex(e2.strip('"'))).hexdigest() + '-2'
assert r['ETag'] == '"%s"' % want, r
g = client.get_object(Bucket=BUCKET, Key='mp/obj.bin')
assert body(g) == part1 + part2 and g['Content-Type'] == 'application/x-test'

step('multipart: EntityTooSmall, abort -> NoSuchUpload')
uid = client.create_multipart_upload(Bucket=BUCKET, Key='mp/small')['UploadId']
s1 = client.upload_part(Bucket=BUCKET, Key='mp/small', Body=b'a' * 10, PartNumber=1, UploadId=uid)['ETag']
s2 = client.upload_part(Bucket=BUCKET, Key='mp/small', Body=b'b' * 10, PartNumber=2, UploadId=uid)['ETag']
expect_error('EntityTooSmall', 400, client.complete_multipart_upload, Bucket=BUCKET, Key='mp/small', UploadId=uid,
             MultipartUpload={'Part': [{'PartNumber': 1, 'ETag': s1}, {'PartNumber': 2, 'ETag': s2}]})
client.abort_multipart_upload(Bucket=BUCKET, Key='mp/small', UploadId=uid)
expect_error('NoSuchUpload', 404, client.list_parts, Bucket=BUCKET, Key='mp/small', UploadId=uid)
expect_error('NoSuchUpload', 404, client.abort_multipart_upload, Bucket=BUCKET, Key='mp/small', UploadId=uid)

step('upload_part_copy with a source range')
uid = client.create_multipart_upload(Bucket=BUCKET, Key='mp/copied')['UploadId']
c1 = client.upload_part_copy(Bucket=BUCKET, Key='mp/copied', PartNumber=1, UploadId=uid,
                             CopySource={'Bucket': BUCKET, 'Key': 'mp/obj.bin', 'Region': REGION},
                             CopySourceRange='bytes=0-%d' % (MiB - 1))
c2 = client.upload_part_copy(Bucket=BUCKET, Key='mp/copied', PartNumber=2, UploadId=uid,
                             CopySource={'Bucket': BUCKET, 'Key': 'mp/obj.bin', 'Region': REGION},
                             CopySourceRange='bytes=%d-%d' % (MiB, MiB + 999))
client.complete_multipart_upload(Bucket=BUCKET, Key='mp/copied', UploadId=uid, MultipartUpload={
    'Part': [{'PartNumber': 1, 'ETag': c1['ETag']}, {'PartNumber': 2, 'ETag': c2['ETag']}]})
assert body(client.get_object(Bucket=BUCKET, Key='mp/copied')) == part1 + part2

step('upload_file / download_file(EnableCRC=True) round trip (multi-part)')
tmp = tempfile.mkdtemp()
src_path = os.path.join(tmp, 'big.bin')
big = os.urandom(5 * MiB + 12345)
with open(src_path, 'wb') as f:
    f.write(big)
client.upload_file(Bucket=BUCKET, Key='big/file.bin', LocalFilePath=src_path, PartSize=1, MAXThread=4, EnableMD5=True)
h = client.head_object(Bucket=BUCKET, Key='big/file.bin')
assert int(h['Content-Length']) == len(big) and h['ETag'].endswith('-6"'), h
dst_path = os.path.join(tmp, 'back.bin')
client.download_file(Bucket=BUCKET, Key='big/file.bin', DestFilePath=dst_path, PartSize=1, MAXThread=4, EnableCRC=True)
with open(dst_path, 'rb') as f:
    assert f.read() == big
client.download_file(Bucket=BUCKET, Key='dir/a b+c%d~e.txt', DestFilePath=dst_path, EnableCRC=True)

# client.copy() is not driven: it HEADs the source through the real COS domain,
# ignoring IP/Port (an SDK limitation); upload_part_copy is covered above.

# ---------------------------------------------------------------- versioning
step('versioning: enable, versions, delete markers, list_objects_versions')
assert client.get_bucket_versioning(Bucket=VBUCKET).get('Status') in (None, '')
client.put_bucket_versioning(Bucket=VBUCKET, Status='Enabled')
client.copy_object(Bucket=VBUCKET, Key='big/copy.bin', CopySource={'Bucket': BUCKET, 'Key': 'big/file.bin', 'Region': REGION})
assert body(client.get_object(Bucket=VBUCKET, Key='big/copy.bin')) == big
assert client.get_bucket_versioning(Bucket=VBUCKET)['Status'] == 'Enabled'
v1 = client.put_object(Bucket=VBUCKET, Key='v.txt', Body=b'one')['x-cos-version-id']
v2 = client.put_object(Bucket=VBUCKET, Key='v.txt', Body=b'two')['x-cos-version-id']
assert v1 != v2
assert body(client.get_object(Bucket=VBUCKET, Key='v.txt', VersionId=v1)) == b'one'
assert body(client.get_object(Bucket=VBUCKET, Key='v.txt')) == b'two'
d = client.delete_object(Bucket=VBUCKET, Key='v.txt')
assert d['x-cos-delete-marker'] == 'true', d
expect_error('NoSuchKey', 404, client.get_object, Bucket=VBUCKET, Key='v.txt')
lv = client.list_objects_versions(Bucket=VBUCKET, Prefix='v.txt')
vs = lv['Version'] if isinstance(lv['Version'], list) else [lv['Version']]
dm = lv['DeleteMarker'] if isinstance(lv['DeleteMarker'], list) else [lv['DeleteMarker']]
assert [v['VersionId'] for v in vs] == [v2, v1] and len(dm) == 1 and dm[0]['IsLatest'] == 'true', lv
client.delete_object(Bucket=VBUCKET, Key='v.txt', VersionId=dm[0]['VersionId'])
assert body(client.get_object(Bucket=VBUCKET, Key='v.txt')) == b'two'
client.put_bucket_versioning(Bucket=VBUCKET, Status='Suspended')
assert client.get_bucket_versioning(Bucket=VBUCKET)['Status'] == 'Suspended'

# ---------------------------------------------------------------- cleanup
step('delete_bucket: BucketNotEmpty, then empty and delete')
expect_error('BucketNotEmpty', 409, client.delete_bucket, Bucket=BUCKET)
client.create_bucket(Bucket='empty-1250000000')
client.delete_bucket(Bucket='empty-1250000000')
assert not client.bucket_exists(Bucket='empty-1250000000')

print('OK %d steps' % len(STEPS))
