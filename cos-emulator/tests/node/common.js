// Helpers for the Node SDK interop scenarios (run by ../node.rs): a cos-nodejs-sdk-v5
// client pointed at the emulator on 127.0.0.1:PORT, promise wrappers that never
// reject (errors are results too), a raw HTTP GET for presigned URLs, and the one
// `RESULT {json}` line the Rust test parses.
'use strict';

const http = require('http');
const COS = require('cos-nodejs-sdk-v5');

const BUCKET = 'test-1250000000';
const REGION = 'ap-guangzhou';
const HOST = `${BUCKET}.cos.${REGION}.myqcloud.com`;

// `Ip` makes the SDK connect to the emulator while it keeps (and signs) the COS
// host name `<bucket>.cos.<region>.myqcloud.com` in `Host` (sdk/base.js, submitRequest).
function client(port, extra) {
  return new COS(
    Object.assign(
      {
        SecretId: 'AKIDEXAMPLE',
        SecretKey: 'SECRETKEYEXAMPLE',
        Protocol: 'http:',
        Ip: `127.0.0.1:${port}`,
        AutoSwitchHost: false,
        Timeout: 30000,
        ChunkRetryTimes: 0,
      },
      extra || {}
    )
  );
}

// The parts of an SDK error a test asserts on.
function errInfo(err) {
  if (!err) return null;
  const body = err.error && typeof err.error === 'object' ? err.error : {};
  return {
    statusCode: err.statusCode,
    code: body.Code || err.code,
    message: body.Message || err.message,
  };
}

// `cos[method](params)` with the bucket and region filled in, as `{ err, data }`.
function call(cos, method, params) {
  return new Promise((resolve) => {
    cos[method](Object.assign({ Bucket: BUCKET, Region: REGION }, params || {}), (err, data) =>
      resolve({ err: errInfo(err), data: data || null })
    );
  });
}

// As `call`, throwing when the SDK reports an error (for set-up steps).
async function must(cos, method, params) {
  const r = await call(cos, method, params);
  if (r.err) throw new Error(`${method} failed: ${JSON.stringify(r.err)}`);
  return r.data;
}

// GET `url` (as the SDK built it, on the COS host name) from the emulator on `port`,
// keeping the URL's host in `Host`: what a browser given the presigned URL would send.
function rawGet(url, port) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: u.pathname + u.search, headers: { Host: u.host }, timeout: 30000 },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() })
        );
      }
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

// Only the headers a test looks at, `null` when absent (JSON has no `undefined`).
function pick(headers, names) {
  const out = {};
  for (const n of names) out[n] = headers && n in headers ? headers[n] : null;
  return out;
}

// Runs `scenario(port)` and prints its result as the line `RESULT {json}`.
function main(scenarios) {
  const [name, port] = process.argv.slice(2);
  const scenario = scenarios[name];
  if (!scenario || !port) {
    console.error(`usage: node ${process.argv[1]} <${Object.keys(scenarios).join('|')}> <port>`);
    process.exit(2);
  }
  scenario(Number(port)).then(
    (result) => process.stdout.write('RESULT ' + JSON.stringify(result) + '\n'),
    (e) => {
      console.error(e && e.stack ? e.stack : e);
      process.exit(1);
    }
  );
}

module.exports = { BUCKET, REGION, HOST, client, call, must, rawGet, pick, main };
