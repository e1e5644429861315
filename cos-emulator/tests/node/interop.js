// Scenarios in which the official Node SDK (cos-nodejs-sdk-v5) drives the emulator:
// `node interop.js <scenario> <port>` prints `RESULT {json}` with what the SDK saw;
// ../node.rs asserts on it. Set-up steps that fail throw (exit 1, stack on stderr).
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { BUCKET, REGION, HOST, client, call, must, rawGet, pick, main } = require('./common');

const md5 = (buf) => crypto.createHash('md5').update(buf).digest('hex');

// 0, 1, ..., 255 four times.
const binary = () => Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256));

async function objects(port) {
  const cos = client(port);
  await must(cos, 'putBucket');
  const r = {};
  r.putString = await call(cos, 'putObject', { Key: 'docs/hello.txt', Body: 'hello node' });
  r.putBuffer = await call(cos, 'putObject', { Key: 'bin/data.bin', Body: binary() });
  const getString = await call(cos, 'getObject', { Key: 'docs/hello.txt' });
  r.getString = { err: getString.err, body: getString.data && getString.data.Body.toString() };
  const getBuffer = await call(cos, 'getObject', { Key: 'bin/data.bin' });
  r.getBuffer = { err: getBuffer.err, base64: getBuffer.data && getBuffer.data.Body.toString('base64') };
  const head = await call(cos, 'headObject', { Key: 'bin/data.bin' });
  r.head = {
    err: head.err,
    etag: head.data && head.data.ETag,
    headers: head.data && pick(head.data.headers, ['content-length', 'etag', 'x-cos-hash-crc64ecma']),
  };
  r.headMissing = await call(cos, 'headObject', { Key: 'no/such.txt' });
  r.getMissing = await call(cos, 'getObject', { Key: 'no/such.txt' });
  r.copy = await call(cos, 'putObjectCopy', { Key: 'docs/copy.txt', CopySource: `${HOST}/docs/hello.txt` });
  const getCopy = await call(cos, 'getObject', { Key: 'docs/copy.txt' });
  r.getCopy = { err: getCopy.err, body: getCopy.data && getCopy.data.Body.toString() };
  r.deleteCopy = await call(cos, 'deleteObject', { Key: 'docs/copy.txt' });
  r.headDeleted = await call(cos, 'headObject', { Key: 'docs/copy.txt' });
  const multi = await call(cos, 'deleteMultipleObject', {
    Objects: [{ Key: 'docs/hello.txt' }, { Key: 'bin/data.bin' }, { Key: 'never/existed' }],
  });
  r.deleteMultiple = {
    err: multi.err,
    deleted: multi.data && multi.data.Deleted.map((d) => d.Key).sort(),
    errors: multi.data && multi.data.Error,
  };
  const after = await call(cos, 'getBucket', {});
  r.afterDelete = { err: after.err, contents: after.data && after.data.Contents };
  return r;
}

async function listing(port) {
  const cos = client(port);
  await must(cos, 'putBucket');
  const keys = ['a/1.txt', 'a/2.txt', 'a/b/3.txt', 'c.txt', 'd/4.txt', 'e.txt'];
  for (const Key of keys) await must(cos, 'putObject', { Key, Body: Key });
  const list = async (params) => {
    const { err, data } = await call(cos, 'getBucket', params);
    if (err) return { err };
    return {
      contents: data.Contents.map((c) => c.Key),
      prefixes: data.CommonPrefixes.map((p) => p.Prefix),
      truncated: data.IsTruncated,
      nextMarker: data.NextMarker || null,
    };
  };
  const r = {};
  r.all = await list({});
  r.prefix = await list({ Prefix: 'a/' });
  r.delimiter = await list({ Delimiter: '/' });
  r.prefixDelimiter = await list({ Prefix: 'a/', Delimiter: '/' });
  // Pages of two, following NextMarker (bounded: at most 10 pages).
  r.pages = [];
  let marker = '';
  for (let i = 0; i < 10; i++) {
    const page = await list({ MaxKeys: 2, Marker: marker });
    r.pages.push(page);
    if (page.err || page.truncated !== 'true') break;
    marker = page.nextMarker;
  }
  return r;
}

async function multipart(port) {
  const cos = client(port);
  await must(cos, 'putBucket');
  const r = {};
  // sliceUploadFile: a 3 MiB + 100 B file in 1 MiB parts (4 parts, 2 at a time).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cos-node-'));
  try {
    const file = path.join(dir, 'big.bin');
    const data = crypto.randomBytes(3 * 1024 * 1024 + 100);
    fs.writeFileSync(file, data, { flag: 'wx' });
    const slice = await call(cos, 'sliceUploadFile', {
      Key: 'big/file.bin',
      FilePath: file,
      ChunkSize: 1024 * 1024,
      AsyncLimit: 2,
    });
    const got = await call(cos, 'getObject', { Key: 'big/file.bin' });
    r.slice = {
      err: slice.err,
      etag: slice.data && slice.data.ETag,
      expectedMd5: md5(data),
      gotMd5: got.data && md5(got.data.Body),
      gotErr: got.err,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // The same steps one by one.
  const part1 = Buffer.alloc(1024 * 1024, 'a');
  const part2 = Buffer.from('tail bytes');
  const init = await must(cos, 'multipartInit', { Key: 'manual.bin' });
  const UploadId = init.UploadId;
  const up1 = await must(cos, 'multipartUpload', { Key: 'manual.bin', UploadId, PartNumber: 1, Body: part1 });
  const up2 = await must(cos, 'multipartUpload', { Key: 'manual.bin', UploadId, PartNumber: 2, Body: part2 });
  const parts = await call(cos, 'multipartListPart', { Key: 'manual.bin', UploadId });
  r.listParts = {
    err: parts.err,
    parts: parts.data && parts.data.Part.map((p) => ({ n: p.PartNumber, size: p.Size, etag: p.ETag })),
    uploadEtags: [up1.ETag, up2.ETag],
    partMd5s: [md5(part1), md5(part2)],
  };
  r.complete = await call(cos, 'multipartComplete', {
    Key: 'manual.bin',
    UploadId,
    Parts: [
      { PartNumber: 1, ETag: up1.ETag },
      { PartNumber: 2, ETag: up2.ETag },
    ],
  });
  const manual = await call(cos, 'getObject', { Key: 'manual.bin' });
  r.manual = {
    err: manual.err,
    gotMd5: manual.data && md5(manual.data.Body),
    expectedMd5: md5(Buffer.concat([part1, part2])),
  };
  // Abort: the upload is listed, then gone.
  const abortInit = await must(cos, 'multipartInit', { Key: 'aborted.bin' });
  await must(cos, 'multipartUpload', {
    Key: 'aborted.bin',
    UploadId: abortInit.UploadId,
    PartNumber: 1,
    Body: 'x',
  });
  const listed = await call(cos, 'multipartList', { Prefix: 'aborted' });
  r.listedBeforeAbort = listed.data && listed.data.Upload.map((u) => u.UploadId === abortInit.UploadId);
  r.abort = await call(cos, 'multipartAbort', { Key: 'aborted.bin', UploadId: abortInit.UploadId });
  r.listPartsAfterAbort = await call(cos, 'multipartListPart', {
    Key: 'aborted.bin',
    UploadId: abortInit.UploadId,
  });
  const listedAfter = await call(cos, 'multipartList', { Prefix: 'aborted' });
  r.listedAfterAbort = listedAfter.data && listedAfter.data.Upload.length;
  return r;
}

async function aclTaggingCors(port) {
  const cos = client(port);
  await must(cos, 'putBucket');
  await must(cos, 'putObject', { Key: 'acl.txt', Body: 'acl' });
  const r = {};
  r.putObjectAcl = await call(cos, 'putObjectAcl', { Key: 'acl.txt', ACL: 'public-read' });
  const objectAcl = await call(cos, 'getObjectAcl', { Key: 'acl.txt' });
  r.objectAcl = { err: objectAcl.err, acl: objectAcl.data && objectAcl.data.ACL };
  r.putBucketAcl = await call(cos, 'putBucketAcl', { ACL: 'public-read' });
  const bucketAcl = await call(cos, 'getBucketAcl', {});
  r.bucketAcl = { err: bucketAcl.err, acl: bucketAcl.data && bucketAcl.data.ACL };
  const Tags = [
    { Key: 'k1', Value: 'v1' },
    { Key: 'k2', Value: 'v 2' },
  ];
  r.putTagging = await call(cos, 'putObjectTagging', { Key: 'acl.txt', Tags });
  const tags = await call(cos, 'getObjectTagging', { Key: 'acl.txt' });
  r.tags = { err: tags.err, tags: tags.data && tags.data.Tags };
  r.deleteTagging = await call(cos, 'deleteObjectTagging', { Key: 'acl.txt' });
  const noTags = await call(cos, 'getObjectTagging', { Key: 'acl.txt' });
  r.tagsAfterDelete = { err: noTags.err, tags: noTags.data && noTags.data.Tags };
  r.putBucketTagging = await call(cos, 'putBucketTagging', { Tags });
  const bucketTags = await call(cos, 'getBucketTagging', {});
  r.bucketTags = { err: bucketTags.err, tags: bucketTags.data && bucketTags.data.Tags };
  const CORSRules = [
    {
      AllowedOrigins: ['http://example.com'],
      AllowedMethods: ['GET', 'PUT'],
      AllowedHeaders: ['*'],
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: '600',
    },
  ];
  r.putCors = await call(cos, 'putBucketCors', { CORSRules });
  const cors = await call(cos, 'getBucketCors', {});
  r.cors = { err: cors.err, rules: cors.data && cors.data.CORSRules };
  const options = await call(cos, 'optionsObject', {
    Key: 'acl.txt',
    Origin: 'http://example.com',
    AccessControlRequestMethod: 'GET',
  });
  r.options = {
    err: options.err,
    headers:
      options.data &&
      pick(options.data.headers, ['access-control-allow-origin', 'access-control-allow-methods']),
  };
  const refused = await call(cos, 'optionsObject', {
    Key: 'acl.txt',
    Origin: 'http://elsewhere.example',
    AccessControlRequestMethod: 'GET',
  });
  // The SDK reports a 403 preflight as success with `OptionsForbidden: true`.
  r.optionsRefused = { err: refused.err, forbidden: !!(refused.data && refused.data.OptionsForbidden) };
  r.deleteCors = await call(cos, 'deleteBucketCors', {});
  const noCors = await call(cos, 'getBucketCors', {});
  r.corsAfterDelete = { err: noCors.err, rules: noCors.data && noCors.data.CORSRules };
  return r;
}

// getObjectUrl's presigned URL, fetched by a plain HTTP client.
async function presigned(port) {
  const cos = client(port);
  await must(cos, 'putBucket');
  await must(cos, 'putObject', { Key: 'pre/signed file.txt', Body: 'presigned body' });
  const url = await new Promise((resolve, reject) =>
    cos.getObjectUrl(
      { Bucket: BUCKET, Region: REGION, Key: 'pre/signed file.txt', Sign: true, Expires: 300 },
      (err, data) => (err ? reject(new Error(JSON.stringify(err))) : resolve(data.Url))
    )
  );
  const r = { url };
  r.get = await rawGet(url, port);
  // The same signature on another key must be refused.
  r.otherKey = await rawGet(url.replace('signed%20file.txt', 'other.txt'), port);
  r.unsigned = await rawGet(url.split('?')[0], port);
  return r;
}

// A client whose clock is an hour slow: its first signature has already expired;
// with CorrectClockSkew (the default) it takes the server's Date and signs again.
async function clockSkew(port) {
  const cos = client(port, { SystemClockOffset: -3600 * 1000, CorrectClockSkew: true });
  const r = {};
  r.putBucket = await call(cos, 'putBucket');
  r.put = await call(cos, 'putObject', { Key: 'skew.txt', Body: 'late clock' });
  const got = await call(cos, 'getObject', { Key: 'skew.txt' });
  r.get = { err: got.err, body: got.data && got.data.Body.toString() };
  r.offsetAfter = cos.options.SystemClockOffset;
  // Without the correction the same request stays refused, with COS's message (a
  // GET: a HEAD answer has no body to carry it).
  const strict = client(port, { SystemClockOffset: -3600 * 1000, CorrectClockSkew: false });
  r.uncorrected = await call(strict, 'getObject', { Key: 'skew.txt' });
  return r;
}

const typeOf = async (cos, Key) => {
  const { err, data } = await call(cos, 'headObject', { Key });
  return err ? { err } : pick(data.headers, ['content-type', 'cache-control']);
};

// Explicit types are kept; bodies without a type on keys without an extension are
// application/octet-stream (the official SDK's own test suite, test/test.js
// "upload Content-Type" and "Content-Type: false Bug", run against real COS).
async function contentTypeExplicit(port) {
  const cos = client(port);
  await must(cos, 'putBucket');
  await must(cos, 'putObject', { Key: 'explicit.txt', Body: '<a/>', ContentType: 'text/xml' });
  await must(cos, 'putObject', { Key: '2', Body: 'hello!' });
  await must(cos, 'putObject', { Key: '3', Body: Buffer.from('hello!') });
  return {
    explicit: await typeOf(cos, 'explicit.txt'),
    string: await typeOf(cos, '2'),
    buffer: await typeOf(cos, '3'),
  };
}

async function sliceUpload(cos, Key, extra) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cos-node-'));
  try {
    const file = path.join(dir, 'upload.zip');
    fs.writeFileSync(file, crypto.randomBytes(1024 * 1024 + 10), { flag: 'wx' });
    await must(cos, 'sliceUploadFile', Object.assign({ Key, FilePath: file }, extra || {}));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// No Content-Type (or the empty one multipartInit sends): typed from the key's
// extension (same test suite: '1.zip' -> application/zip, sliceUploadFile of a .zip
// file to '1.txt' -> text/plain, with ContentType 'text/xml' -> text/xml).
async function contentTypeFromExtension(port) {
  const cos = client(port);
  await must(cos, 'putBucket');
  await must(cos, 'putObject', { Key: '1.zip', Body: '12345' });
  await must(cos, 'putObject', { Key: 'notes/1.txt', Body: 'hello' });
  await sliceUpload(cos, '1.txt');
  await sliceUpload(cos, 'typed.txt', { ContentType: 'text/xml' });
  return {
    putZip: await typeOf(cos, '1.zip'),
    putTxt: await typeOf(cos, 'notes/1.txt'),
    sliceTxt: await typeOf(cos, '1.txt'),
    sliceExplicit: await typeOf(cos, 'typed.txt'),
  };
}

// The SDK sends `Cache-Control:` (and, from multipartInit, `Content-Type:`) empty so
// that proxies cannot add their own; COS stores neither (test suite "Cache-Control":
// absent or max-age=259200 afterwards).
async function emptyHeaders(port) {
  const cos = client(port);
  await must(cos, 'putBucket');
  await must(cos, 'putObject', { Key: 'empty', Body: '' });
  await sliceUpload(cos, 'noext');
  await must(cos, 'putObject', { Key: 'kept', Body: 'x', CacheControl: 'max-age=7200' });
  const got = await call(cos, 'getObject', { Key: 'noext' });
  return {
    put: await typeOf(cos, 'empty'),
    slice: await typeOf(cos, 'noext'),
    sliceGet: got.err ? { err: got.err } : pick(got.data.headers, ['content-type', 'cache-control']),
    kept: await typeOf(cos, 'kept'),
  };
}

main({
  objects,
  listing,
  multipart,
  acl_tagging_cors: aclTaggingCors,
  presigned,
  clock_skew: clockSkew,
  content_type_explicit: contentTypeExplicit,
  content_type_from_extension: contentTypeFromExtension,
  empty_headers: emptyHeaders,
});
