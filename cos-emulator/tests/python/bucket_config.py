"""Drives the official cos-python-sdk-v5 through the bucket configuration families of
issue 16 (website, referer, default encryption, logging, object lock, replication, inventory, intelligent tiering v1/v2,
custom domains and certificates, origin),
list_buckets' filters and get_bucket_meta against cos-emulator: put/get
round trips, the NoSuch... codes after delete, and validation errors.

usage: python bucket_config.py PORT
Prints `BODY <sub-resource> <base64 of the PUT body>` for every configuration body the
SDK sent (the Rust test compares them with cos-xml's serialisation and the committed
fixtures), then `OK`. Exits non-zero on the first failed assertion.
"""
import base64
import sys

import requests
from qcloud_cos import CosConfig, CosS3Client
from qcloud_cos.cos_exception import CosServiceError

PORT = int(sys.argv[1])
REGION = 'ap-guangzhou'
BUCKET = 'pyconfig-1250000000'
LOGS = 'pylogs-1250000000'
REPLICA = 'pyreplica-1250000000'

BODIES = {}
_send = requests.Session.send


def recording_send(self, req, **kw):
    """Keeps the first PUT body sent to each sub-resource."""
    if req.method == 'PUT' and req.body and '?' in req.url:
        sub = req.url.split('?', 1)[1].split('&')[0].split('=')[0]
        body = req.body if isinstance(req.body, bytes) else req.body.encode('utf-8')
        BODIES.setdefault(sub, body)
    return _send(self, req, **kw)


requests.Session.send = recording_send

conf = CosConfig(Region=REGION, SecretId='AKIDEXAMPLE', SecretKey='SECRETKEYEXAMPLE',
                 Scheme='http', IP='127.0.0.1', Port=PORT,
                 ServiceDomain='127.0.0.1:%d' % PORT)
client = CosS3Client(conf, retry=0)


def expect_error(code, status, fn, *a, **kw):
    try:
        fn(*a, **kw)
    except CosServiceError as e:
        assert e.get_error_code() == code, (code, e.get_error_code(), e.get_error_msg())
        assert e.get_status_code() == status, (status, e.get_status_code())
        return
    raise AssertionError('expected %s' % code)


client.create_bucket(Bucket=BUCKET)
client.create_bucket(Bucket=LOGS)
client.create_bucket(Bucket=REPLICA)

# The settings the Rust test builds with cos-xml (same values, same element order).
WEBSITE = {
    'IndexDocument': {'Suffix': 'index.html'},
    'ErrorDocument': {'Key': 'error.html', 'OriginalHttpStatus': 'Enabled'},
    'RoutingRules': [
        {'Condition': {'KeyPrefixEquals': 'docs/'},
         'Redirect': {'Protocol': 'https', 'ReplaceKeyPrefixWith': 'documents/'}},
        {'Condition': {'HttpErrorCodeReturnedEquals': '404'},
         'Redirect': {'HttpRedirectCode': '302', 'Protocol': 'https',
                      'ReplaceKeyWith': '404.html'}},
    ],
}
REFERER = {
    'Status': 'Enabled',
    'RefererType': 'White-List',
    'DomainList': {'Domain': ['*.example.com', 'www.test.com']},
    'EmptyReferConfiguration': 'Allow',
}
ENCRYPTION = {'Rule': [{'ApplyServerSideEncryptionByDefault': {'SSEAlgorithm': 'AES256'}}]}
LOGGING = {'LoggingEnabled': {'TargetBucket': LOGS, 'TargetPrefix': 'access/'}}
INVENTORY = {
    'Id': 'list1',
    'IsEnabled': 'true',
    'Destination': {'COSBucketDestination': {
        'Format': 'CSV', 'AccountId': '100000000001',
        'Bucket': 'qcs::cos:ap-guangzhou::' + LOGS, 'Prefix': 'inv'}},
    'Schedule': {'Frequency': 'Daily'},
    'Filter': {'Prefix': 'docs/'},
    'IncludedObjectVersions': 'Current',
    'OptionalFields': {'Field': ['Size', 'ETag']},
}
OBJECT_LOCK = {'ObjectLockEnabled': 'Enabled', 'Rule': {'DefaultRetention': {'Days': '30'}}}
REPLICATION = {
    'Role': 'qcs::cam::uin/100000000001:uin/100000000001',
    'Rule': [{'ID': 'r1', 'Status': 'Enabled', 'Prefix': 'docs/',
              'Destination': {'Bucket': 'qcs::cos:ap-guangzhou::' + REPLICA,
                              'StorageClass': 'STANDARD_IA'}}],
}

print('-- website', flush=True)
expect_error('NoSuchWebsiteConfiguration', 404, client.get_bucket_website, Bucket=BUCKET)
client.put_bucket_website(Bucket=BUCKET, WebsiteConfiguration=WEBSITE)
got = client.get_bucket_website(Bucket=BUCKET)
assert got['IndexDocument'] == WEBSITE['IndexDocument'], got
assert got['ErrorDocument'] == WEBSITE['ErrorDocument'], got
assert got['RoutingRules'] == WEBSITE['RoutingRules'], got
expect_error('MalformedXML', 400, client.put_bucket_website, Bucket=BUCKET,
             WebsiteConfiguration={'ErrorDocument': {'Key': 'e.html'}})
client.delete_bucket_website(Bucket=BUCKET)
expect_error('NoSuchWebsiteConfiguration', 404, client.get_bucket_website, Bucket=BUCKET)

print('-- referer', flush=True)
expect_error('NoSuchRefererConfiguration', 404, client.get_bucket_referer, Bucket=BUCKET)
client.put_bucket_referer(Bucket=BUCKET, RefererConfiguration=REFERER)
got = client.get_bucket_referer(Bucket=BUCKET)
assert got['Status'] == 'Enabled' and got['RefererType'] == 'White-List', got
assert got['DomainList']['Domain'] == REFERER['DomainList']['Domain'], got
assert got['EmptyReferConfiguration'] == 'Allow', got
expect_error('InvalidArgument', 400, client.put_bucket_referer, Bucket=BUCKET,
             RefererConfiguration=dict(REFERER, RefererType='Grey-List'))
client.delete_bucket_referer(Bucket=BUCKET)
expect_error('NoSuchRefererConfiguration', 404, client.get_bucket_referer, Bucket=BUCKET)

print('-- encryption', flush=True)
expect_error('NoSuchEncryptionConfiguration', 404, client.get_bucket_encryption, Bucket=BUCKET)
client.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration=ENCRYPTION)
got = client.get_bucket_encryption(Bucket=BUCKET)
assert got['Rule'] == ENCRYPTION['Rule'], got
client.put_object(Bucket=BUCKET, Key='sealed.txt', Body=b'secret')
head = client.head_object(Bucket=BUCKET, Key='sealed.txt')
assert head['x-cos-server-side-encryption'] == 'AES256', head
expect_error('InvalidArgument', 400, client.put_bucket_encryption, Bucket=BUCKET,
             ServerSideEncryptionConfiguration={
                 'Rule': [{'ApplyServerSideEncryptionByDefault': {'SSEAlgorithm': 'DES'}}]})
client.delete_bucket_encryption(Bucket=BUCKET)
expect_error('NoSuchEncryptionConfiguration', 404, client.get_bucket_encryption, Bucket=BUCKET)

print('-- logging', flush=True)
got = client.get_bucket_logging(Bucket=BUCKET)
assert 'LoggingEnabled' not in got, got
client.put_bucket_logging(Bucket=BUCKET, BucketLoggingStatus=LOGGING)
got = client.get_bucket_logging(Bucket=BUCKET)
assert got['LoggingEnabled'] == LOGGING['LoggingEnabled'], got
expect_error('InvalidTargetBucketForLogging', 400, client.put_bucket_logging, Bucket=BUCKET,
             BucketLoggingStatus={'LoggingEnabled': {'TargetBucket': 'none-1250000000',
                                                     'TargetPrefix': 'x/'}})
client.put_bucket_logging(Bucket=BUCKET, BucketLoggingStatus={})
got = client.get_bucket_logging(Bucket=BUCKET)
assert 'LoggingEnabled' not in got, got

print('-- inventory', flush=True)
expect_error('NoSuchInventoryConfiguration', 404, client.get_bucket_inventory, Bucket=BUCKET,
             Id='list1')
client.put_bucket_inventory(Bucket=BUCKET, Id='list1', InventoryConfiguration=dict(INVENTORY))
got = client.get_bucket_inventory(Bucket=BUCKET, Id='list1')
assert got == INVENTORY, got
listed = client.list_bucket_inventory_configurations(Bucket=BUCKET)
assert listed['InventoryConfiguration']['Id'] == 'list1', listed
client.put_object(Bucket=BUCKET, Key='docs/report-me.txt', Body=b'12345')
client.post_bucket_inventory(Bucket=BUCKET, Id='list1', InventoryConfiguration=dict(INVENTORY))
reports = client.list_objects(Bucket=LOGS, Prefix='inv/')['Contents']
keys = [c['Key'] for c in reports]
assert any(k.endswith('manifest.json') for k in keys), keys
assert any(k.endswith('.csv.gz') for k in keys), keys
expect_error('InvalidArgument', 400, client.put_bucket_inventory, Bucket=BUCKET, Id='list2',
             InventoryConfiguration=dict(INVENTORY, IncludedObjectVersions='Some'))
client.delete_bucket_inventory(Bucket=BUCKET, Id='list1')
expect_error('NoSuchInventoryConfiguration', 404, client.get_bucket_inventory, Bucket=BUCKET,
             Id='list1')

print('-- object lock', flush=True)
expect_error('ObjectLockConfigurationNotFoundError', 404, client.get_bucket_object_lock,
             Bucket=LOGS)
client.put_bucket_object_lock(Bucket=LOGS, ObjectLockConfiguration=OBJECT_LOCK)
got = client.get_bucket_object_lock(Bucket=LOGS)
assert got == OBJECT_LOCK, got
client.put_object(Bucket=LOGS, Key='locked.txt', Body=b'keep me')
expect_error('AccessDenied', 403, client.delete_object, Bucket=LOGS, Key='locked.txt')
expect_error('InvalidArgument', 400, client.put_bucket_object_lock, Bucket=LOGS,
             ObjectLockConfiguration={'ObjectLockEnabled': 'Disabled'})

print('-- replication', flush=True)
expect_error('ReplicationConfigurationnotFoundError', 404, client.get_bucket_replication,
             Bucket=BUCKET)
expect_error('InvalidRequest', 400, client.put_bucket_replication, Bucket=BUCKET,
             ReplicationConfiguration=REPLICATION)
client.put_bucket_versioning(Bucket=BUCKET, Status='Enabled')
client.put_bucket_versioning(Bucket=REPLICA, Status='Enabled')
client.put_bucket_replication(Bucket=BUCKET, ReplicationConfiguration=REPLICATION)
got = client.get_bucket_replication(Bucket=BUCKET)
assert got == REPLICATION, got
client.delete_bucket_replication(Bucket=BUCKET)
expect_error('ReplicationConfigurationnotFoundError', 404, client.get_bucket_replication,
             Bucket=BUCKET)

print('-- intelligent tiering', flush=True)
TIERING = {'Status': 'Enabled', 'Transition': {'Days': '30', 'RequestFrequent': '1'}}
expect_error('NoSuchConfiguration', 404, client.get_bucket_intelligenttiering, Bucket=BUCKET)
client.put_bucket_intelligenttiering(Bucket=BUCKET, IntelligentTieringConfiguration=TIERING)
got = client.get_bucket_intelligenttiering(Bucket=BUCKET)
assert got == TIERING, got
expect_error('InvalidArgument', 400, client.put_bucket_intelligenttiering, Bucket=BUCKET,
             IntelligentTieringConfiguration={'Status': 'Enabled',
                                              'Transition': {'Days': '45'}})
TIERING_V2 = {'Id': 'default', 'Status': 'Enabled',
              'Tiering': {'AccessTier': 'INFREQUENT', 'Days': '30', 'RequestFrequent': '1'}}
client.put_bucket_intelligenttiering_v2(Bucket=BUCKET, IntelligentTieringConfiguration=TIERING_V2,
                                        Id='default')
got = client.get_bucket_intelligenttiering_v2(Bucket=BUCKET, Id='default')
assert got == TIERING_V2, got
listed = client.list_bucket_intelligenttiering_configurations(Bucket=BUCKET)
assert listed['IntelligentTieringConfiguration']['Id'] == 'default', listed

print('-- domain, certificate, origin', flush=True)
DOMAIN = {'DomainRule': [{'Status': 'ENABLED', 'Name': 'www.example.com', 'Type': 'REST'}]}
expect_error('DomainConfigNotFoundError', 404, client.get_bucket_domain, Bucket=BUCKET)
client.put_bucket_domain(Bucket=BUCKET, DomainConfiguration=DOMAIN)
got = client.get_bucket_domain(Bucket=BUCKET)
assert got['DomainRule'] == DOMAIN['DomainRule'], got
CERT = {'CertificateInfo': {'CertType': 'CustomCert', 'CustomCert': {
    'Cert': '-----BEGIN CERTIFICATE-----MIIBfake-----END CERTIFICATE-----',
    'PrivateKey': '-----BEGIN PRIVATE KEY-----MIIEfake-----END PRIVATE KEY-----'}},
    'DomainList': {'DomainName': 'www.example.com'}}
client.put_bucket_domain_certificate(Bucket=BUCKET, DomainCertificateConfiguration=CERT)
got = client.get_bucket_domain_certificate(Bucket=BUCKET, DomainName='www.example.com')
assert got['Status'] == 'Enabled' and got['CertId'], got
expect_error('InvalidArgument', 400, client.put_bucket_domain_certificate, Bucket=BUCKET,
             DomainCertificateConfiguration=dict(CERT, DomainList={'DomainName': 'other.com'}))
client.delete_bucket_domain_certificate(Bucket=BUCKET, DomainName='www.example.com')
expect_error('NoSuchCertificate', 404, client.get_bucket_domain_certificate, Bucket=BUCKET,
             DomainName='www.example.com')
client.delete_bucket_domain(Bucket=BUCKET)
expect_error('DomainConfigNotFoundError', 404, client.get_bucket_domain, Bucket=BUCKET)
ORIGIN = {'OriginRule': [{
    'RulePriority': '1', 'OriginType': 'Mirror',
    'OriginCondition': {'HTTPStatusCode': '404', 'Prefix': 'img/'},
    'OriginParameter': {'Protocol': 'HTTPS', 'FollowQueryString': 'true',
                        'FollowRedirection': 'true', 'HttpRedirectCode': ['301', '302']},
    'OriginInfo': {'HostInfo': {'HostName': 'origin.example.com'}}}]}
expect_error('NoSuchOriginConfiguration', 404, client.get_bucket_origin, Bucket=BUCKET)
client.put_bucket_origin(Bucket=BUCKET, OriginConfiguration=ORIGIN)
got = client.get_bucket_origin(Bucket=BUCKET)
assert got['OriginRule'] == ORIGIN['OriginRule'], got
client.delete_bucket_origin(Bucket=BUCKET)
expect_error('NoSuchOriginConfiguration', 404, client.get_bucket_origin, Bucket=BUCKET)

print('-- response control', flush=True)
RESPONSE_CONTROL = {'ControlParamList': {'Param': ['response-content-type', 'response-expires']}}
expect_error('NoSuchResponseControlConfiguration', 404, client.get_bucket_response_control,
             Bucket=BUCKET)
client.put_bucket_response_control(Bucket=BUCKET, ResponseControlConfiguration=RESPONSE_CONTROL)
got = client.get_bucket_response_control(Bucket=BUCKET)
assert got == RESPONSE_CONTROL, got
expect_error('InvalidArgument', 400, client.put_bucket_response_control, Bucket=BUCKET,
             ResponseControlConfiguration={'ControlParamList': {'Param': ['x-anything']}})
client.delete_bucket_response_control(Bucket=BUCKET)
expect_error('NoSuchResponseControlConfiguration', 404, client.get_bucket_response_control,
             Bucket=BUCKET)

print('-- list_buckets filters, get_bucket_meta', flush=True)
client.put_bucket_tagging(Bucket=LOGS, Tagging={'TagSet': {'Tag': [{'Key': 'team', 'Value': 'logs'}]}})
got = client.list_buckets(TagKey='team', TagValue='logs')
assert [b['Name'] for b in got['Buckets']['Bucket']] == [LOGS], got
got = client.list_buckets(Region='ap-beijing')
assert got['Buckets'] is None, got
page = client.list_buckets(MaxKeys=1)
assert page['IsTruncated'] == 'true' and len(page['Buckets']['Bucket']) == 1, page
rest = client.list_buckets(Marker=page['NextMarker'])
first = page['Buckets']['Bucket'][0]['Name']
assert first not in [b['Name'] for b in rest['Buckets']['Bucket']], rest
assert len(rest['Buckets']['Bucket']) == 2, rest
meta = client.get_bucket_meta(Bucket=BUCKET)
assert meta['Location'] == REGION, meta
assert meta['Versioning']['Status'] == 'Enabled', meta
# The SDK gathers the v2 list here.
assert meta['IntelligentTiering']['IntelligentTieringConfiguration']['Id'] == 'default', meta
assert meta['Website'] is None and meta['Replication'] is None, meta

for sub in sorted(BODIES):
    print('BODY', sub, base64.b64encode(BODIES[sub]).decode('ascii'))
print('OK')
