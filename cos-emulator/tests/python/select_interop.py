"""The official cos-python-sdk-v5 `select_object_content` against cos-emulator.

usage: python select_interop.py PORT
Every expected result is computed here, independently, with Python's csv / json
modules; exits non-zero on the first mismatch.
"""
import bz2
import csv
import gzip
import io
import json
import sys

from qcloud_cos import CosConfig, CosS3Client
from qcloud_cos.cos_exception import CosServiceError

PORT = int(sys.argv[1])
BUCKET = 'select-1250000000'
client = CosS3Client(CosConfig(Region='ap-guangzhou', SecretId='AKIDEXAMPLE',
                               SecretKey='SECRETKEYEXAMPLE', Scheme='http', IP='127.0.0.1',
                               Port=PORT, ServiceDomain='127.0.0.1:%d' % PORT), retry=0)

ROWS = [{'id': i, 'name': 'user%03d' % i, 'city': ['beijing', 'shanghai', 'guangzhou'][i % 3],
         'age': 18 + (i * 7) % 50, 'score': round(i * 1.5, 1),
         'note': 'has, comma' if i % 10 == 0 else ('say "hi"' if i % 10 == 1 else 'plain')}
        for i in range(1, 301)]
COLS = ['id', 'name', 'city', 'age', 'score', 'note']


def csv_bytes(header, delimiter=','):
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator='\n')
    if header:
        w.writerow(COLS)
    for r in ROWS:
        w.writerow([r[c] for c in COLS])
    return out.getvalue().encode()


def csv_in(header_info, **extra):
    d = {'FileHeaderInfo': header_info, 'RecordDelimiter': '\n', 'FieldDelimiter': ',',
         'QuoteCharacter': '"', 'QuoteEscapeCharacter': '"', 'Comments': '#',
         'AllowQuotedRecordDelimiter': 'FALSE'}
    d.update(extra)
    return {'CompressionType': 'NONE', 'CSV': d}


CSV_OUT = {'CSV': {'QuoteFields': 'ASNEEDED', 'RecordDelimiter': '\n', 'FieldDelimiter': ',',
                   'QuoteCharacter': '"', 'QuoteEscapeCharacter': '"'}}
JSON_OUT = {'JSON': {'RecordDelimiter': '\n'}}


def select(key, sql, inp, out, progress=False):
    kw = {'RequestProgress': {'Enabled': 'TRUE'}} if progress else {}
    resp = client.select_object_content(Bucket=BUCKET, Key=key, Expression=sql, ExpressionType='SQL',
                                        InputSerialization=inp, OutputSerialization=out, **kw)
    events = list(resp['Payload'])
    data = b''.join(e['Records']['Payload'] for e in events if 'Records' in e)
    return data, events


def csv_rows(data):
    return list(csv.reader(io.StringIO(data.decode()), lineterminator='\n'))


def json_rows(data):
    return [json.loads(line) for line in data.decode().splitlines() if line]


def check(name, got, want):
    assert got == want, '%s:\n got  %r\n want %r' % (name, got[:5] if isinstance(got, list) else got,
                                                      want[:5] if isinstance(want, list) else want)
    print('ok', name, flush=True)


client.create_bucket(Bucket=BUCKET)
client.put_object(Bucket=BUCKET, Key='h.csv', Body=csv_bytes(True))
client.put_object(Bucket=BUCKET, Key='n.csv', Body=csv_bytes(False))
client.put_object(Bucket=BUCKET, Key='t.tsv', Body=b'# a comment line\n' + csv_bytes(True, '\t'))
client.put_object(Bucket=BUCKET, Key='h.csv.gz', Body=gzip.compress(csv_bytes(True)))
client.put_object(Bucket=BUCKET, Key='h.csv.bz2', Body=bz2.compress(csv_bytes(True)))
lines = ''.join(json.dumps(r) + '\n' for r in ROWS).encode()
client.put_object(Bucket=BUCKET, Key='l.json', Body=lines)
client.put_object(Bucket=BUCKET, Key='l.json.gz', Body=gzip.compress(lines))
nested = [{'id': r['id'], 'person': {'name': r['name'], 'tags': [r['city'], r['note']]}} for r in ROWS]
client.put_object(Bucket=BUCKET, Key='d.json', Body=' '.join(json.dumps(r, indent=1) for r in nested).encode())

as_text = [[str(r[c]) for c in COLS] for r in ROWS]

# First select: the arguments of cos-xml's wire fixture (testdata/select/csv_full.xml);
# the Rust side checks the body length the emulator logged against it.
data, _ = select('t.tsv', "select s._1, s.name from COSObject s where s.age > 30 and s.name <> 'a&b' limit 5",
                 csv_in('USE', FieldDelimiter='\t'), CSV_OUT, progress=True)
check('fixture arguments', csv_rows(data), [[str(r['id']), r['name']] for r in ROWS if r['age'] > 30][:5])

# CSV without header: everything, positional projections, filters.
data, _ = select('n.csv', 'select * from COSObject', csv_in('NONE'), CSV_OUT)
check('csv no header select *', csv_rows(data), as_text)
data, _ = select('n.csv', "select s._2, s._4 from COSObject s where s._3 = 'shanghai' and s._4 > 40",
                 csv_in('NONE'), CSV_OUT)
check('csv no header projection+filter', csv_rows(data),
      [[r['name'], str(r['age'])] for r in ROWS if r['city'] == 'shanghai' and r['age'] > 40])

# CSV with header: names, IGNORE, LIKE / IN / BETWEEN / NOT / OR / arithmetic / CAST.
data, _ = select('h.csv', 'select name, age from COSObject where age between 20 and 30 or id in (1, 2)',
                 csv_in('USE'), CSV_OUT)
check('csv header between/in', csv_rows(data),
      [[r['name'], str(r['age'])] for r in ROWS if 20 <= r['age'] <= 30 or r['id'] in (1, 2)])
data, _ = select('h.csv', 'select * from COSObject s', csv_in('IGNORE'), CSV_OUT)
check('csv IGNORE skips the header', csv_rows(data), as_text)
data, _ = select('h.csv', "select s.name, cast(s.age as int) * 2 + 1 as x from COSObject s "
                 "where s.name like 'user0_5' and not s.city = 'beijing'", csv_in('USE'), JSON_OUT)
check('csv like/not/arith to json', json_rows(data),
      [{'name': r['name'], 'x': r['age'] * 2 + 1} for r in ROWS
       if r['name'].startswith('user0') and r['name'][5:] .endswith('5') and len(r['name']) == 7
       and r['city'] != 'beijing'])
data, _ = select('h.csv', "select upper(city), char_length(note) from COSObject where note <> 'plain'",
                 csv_in('USE'), CSV_OUT)
check('csv functions + quoted fields', csv_rows(data),
      [[r['city'].upper(), str(len(r['note']))] for r in ROWS if r['note'] != 'plain'])
data, _ = select('t.tsv', "select id from COSObject where city = 'guangzhou' limit 7",
                 csv_in('USE', FieldDelimiter='\t'), CSV_OUT)
check('tsv with comment + limit', csv_rows(data), [[str(r['id'])] for r in ROWS if r['city'] == 'guangzhou'][:7])

# Aggregates.
sel = [r for r in ROWS if r['city'] == 'beijing']
data, _ = select('h.csv', "select count(*), sum(cast(age as int)), min(age), max(age), avg(cast(score as float)) "
                 "from COSObject where city = 'beijing'", csv_in('USE'), CSV_OUT)
[[cnt, total, lo, hi, avg]] = csv_rows(data)
check('aggregates', [int(cnt), int(total), int(lo), int(hi)],
      [len(sel), sum(r['age'] for r in sel), min(r['age'] for r in sel), max(r['age'] for r in sel)])
assert abs(float(avg) - sum(r['score'] for r in sel) / len(sel)) < 1e-9, avg

# Compressed input.
for key, comp in (('h.csv.gz', 'GZIP'), ('h.csv.bz2', 'BZIP2')):
    inp = csv_in('USE')
    inp['CompressionType'] = comp
    data, _ = select(key, 'select id from COSObject where age >= 60', inp, CSV_OUT)
    check('csv ' + comp, csv_rows(data), [[str(r['id'])] for r in ROWS if r['age'] >= 60])

# JSON LINES and DOCUMENT, nested paths.
data, _ = select('l.json', "select * from COSObject s where s.score > 400", {'CompressionType': 'NONE',
                 'JSON': {'Type': 'LINES'}}, JSON_OUT)
check('json lines select *', json_rows(data), [r for r in ROWS if r['score'] > 400])
data, _ = select('l.json.gz', "select s.id, s.city from COSObject s where s.age < 20",
                 {'CompressionType': 'GZIP', 'JSON': {'Type': 'LINES'}}, CSV_OUT)
check('json lines gzip to csv', csv_rows(data), [[str(r['id']), r['city']] for r in ROWS if r['age'] < 20])
data, _ = select('d.json', "select s.person.name, s.person.tags[0] as city from COSObject s where s.id <= 3",
                 {'CompressionType': 'NONE', 'JSON': {'Type': 'DOCUMENT'}}, JSON_OUT)
check('json document nested paths', json_rows(data),
      [{'name': r['person']['name'], 'city': r['person']['tags'][0]} for r in nested if r['id'] <= 3])

# Progress, Stats and End events.
data, events = select('h.csv', 'select * from COSObject', csv_in('USE'), CSV_OUT, progress=True)
kinds = [list(e)[0] for e in events]
assert 'Progress' in kinds and kinds[-2:] == ['Stats', 'End'], kinds
stats = events[-2]['Stats']['Details']
size = len(csv_bytes(True))
assert int(stats['BytesScanned']) == size and int(stats['BytesProcessed']) == size, stats
assert int(stats['BytesReturned']) == len(data), (stats, len(data))
progress = [e['Progress']['Details'] for e in events if 'Progress' in e]
assert int(progress[-1]['BytesProcessed']) == size, progress[-1]
print('ok progress + stats', flush=True)

# Errors: unsupported SQL names the construct; bad SQL; missing key.
for sql, code, word in (('select city, count(*) from COSObject group by city', 'UnsupportedSqlStructure', 'GROUP BY'),
                        ('select * from COSObject a join COSObject b on a.id = b.id', 'UnsupportedSqlStructure', 'JOIN'),
                        ('select utcnow() from COSObject', 'UnsupportedFunction', 'UTCNOW'),
                        ('select from where', 'ParseUnexpectedToken', ''),
                        ('select * from other', 'InvalidDataSource', 'other')):
    try:
        select('h.csv', sql, csv_in('USE'), CSV_OUT)
    except CosServiceError as e:
        assert e.get_error_code() == code, (sql, e.get_error_code(), e.get_error_msg())
        assert word in e.get_error_msg(), (sql, e.get_error_msg())
    else:
        raise AssertionError('no error for ' + sql)
print('ok errors', flush=True)
try:
    select('missing.csv', 'select * from COSObject', csv_in('USE'), CSV_OUT)
except CosServiceError as e:
    assert e.get_error_code() == 'NoSuchKey' and e.get_status_code() == 404, e.get_error_code()
else:
    raise AssertionError('no error for a missing key')
print('OK select', flush=True)
