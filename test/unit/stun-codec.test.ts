import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  ATTR, CLASS, crc32, decodeErrorCode, decodeMessage, decodeXorAddress, encodeErrorCode, encodeMessage, encodeXorAddress, frameStream,
  getAttribute, longTermKey, messageType, METHOD, verifyFingerprint, verifyIntegrity,
} from '../../src/probes/stun/codec';
import { retransmissionSchedule } from '../../src/probes/stun/transport';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 5769 test vectors (sections 2.1, 2.2, 2.3, 2.4).
const SAMPLE_REQUEST = hex(`00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae 80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
  00 24 00 04 6e 00 01 ff 80 29 00 08 93 2f f9 b1 51 26 3b 36 00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
  00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2 80 28 00 04 e5 7a 3b cf`);
const SAMPLE_IPV4_RESPONSE = hex(`01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae 80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 08 00 01 a1 47 e1 12 a6 43 00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7 80 28 00 04 c0 7d 4c 96`);
const SAMPLE_IPV6_RESPONSE = hex(`01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae 80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
  00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41 80 28 00 04 c8 fb 0b 4c`);
const SAMPLE_LONG_TERM = hex(`00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e 00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
  00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
  00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00 00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66`);
const SHORT_TERM_KEY = Buffer.from('VOkJxbRl1RmTxUk/WvJxBt');

test('RFC 5769 2.1: the sample request decodes, its MESSAGE-INTEGRITY and FINGERPRINT verify', () => {
  const m = decodeMessage(SAMPLE_REQUEST);
  assert.ok(m);
  assert.equal(m.method, METHOD.binding);
  assert.equal(m.cls, CLASS.request);
  assert.equal(m.transactionId.toString('hex'), 'b7e7a701bc34d686fa87dfae');
  assert.equal(getAttribute(m, ATTR.software)?.toString(), 'STUN test client');
  assert.equal(getAttribute(m, ATTR.username)?.toString(), 'evtj:h6vY');
  assert.equal(verifyIntegrity(m, SHORT_TERM_KEY), true);
  assert.equal(verifyIntegrity(m, Buffer.from('wrong')), false);
  assert.equal(verifyFingerprint(m), true);
});

test('RFC 5769 2.2 and 2.3: XOR-MAPPED-ADDRESS decodes to 192.0.2.1:32853 and 2001:db8:1234:5678:11:2233:4455:6677', () => {
  const v4 = decodeMessage(SAMPLE_IPV4_RESPONSE)!;
  assert.equal(v4.cls, CLASS.success);
  assert.deepEqual(decodeXorAddress(getAttribute(v4, ATTR.xorMappedAddress), v4.transactionId), { family: 4, address: '192.0.2.1', port: 32853 });
  assert.deepEqual(encodeXorAddress({ address: '192.0.2.1', port: 32853 }, v4.transactionId), getAttribute(v4, ATTR.xorMappedAddress));
  assert.equal(verifyIntegrity(v4, SHORT_TERM_KEY), true);
  assert.equal(verifyFingerprint(v4), true);
  const v6 = decodeMessage(SAMPLE_IPV6_RESPONSE)!;
  assert.deepEqual(decodeXorAddress(getAttribute(v6, ATTR.xorMappedAddress), v6.transactionId), { family: 6, address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 });
  assert.deepEqual(encodeXorAddress({ address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 }, v6.transactionId), getAttribute(v6, ATTR.xorMappedAddress));
  assert.equal(verifyFingerprint(v6), true);
});

test('RFC 5769 2.4: the long-term key MD5(username:realm:password) verifies and our encoder reproduces the bytes', () => {
  const m = decodeMessage(SAMPLE_LONG_TERM)!;
  const username = getAttribute(m, ATTR.username)!.toString('utf8');
  assert.equal(username, 'マトリックス');
  const key = longTermKey(username, 'example.org', 'TheMatrIX');
  assert.equal(verifyIntegrity(m, key), true);
  assert.equal(verifyIntegrity(m, longTermKey(username, 'example.org', 'thematrix')), false);
  assert.equal(verifyFingerprint(m), undefined);
  const again = encodeMessage(
    {
      method: METHOD.binding, cls: CLASS.request, transactionId: m.transactionId,
      attributes: [{ type: ATTR.username, value: username }, { type: ATTR.nonce, value: 'f//499k954d6OL34oL9FSTvy64sA' }, { type: ATTR.realm, value: 'example.org' }],
    },
    { integrityKey: key },
  );
  assert.deepEqual(again, SAMPLE_LONG_TERM);
});

test('message types interleave method and class bits (RFC 8489 section 5, RFC 8656)', () => {
  assert.equal(messageType(METHOD.binding, CLASS.request), 0x0001);
  assert.equal(messageType(METHOD.binding, CLASS.success), 0x0101);
  assert.equal(messageType(METHOD.binding, CLASS.error), 0x0111);
  assert.equal(messageType(METHOD.allocate, CLASS.request), 0x0003);
  assert.equal(messageType(METHOD.allocate, CLASS.error), 0x0113);
  assert.equal(messageType(METHOD.refresh, CLASS.success), 0x0104);
  for (const [method, cls] of [[METHOD.allocate, CLASS.success], [METHOD.refresh, CLASS.error], [0xfff, CLASS.indication]] as const) {
    const m = decodeMessage(encodeMessage({ method, cls, transactionId: randomBytes(12) }))!;
    assert.equal(m.method, method);
    assert.equal(m.cls, cls);
  }
});

test('encode with integrity and fingerprint round-trips; a flipped bit fails both', () => {
  const key = randomBytes(16);
  const buf = encodeMessage({ method: METHOD.allocate, cls: CLASS.request, transactionId: randomBytes(12), attributes: [{ type: ATTR.realm, value: 'abcde' }] }, { integrityKey: key, fingerprint: true });
  const m = decodeMessage(buf)!;
  assert.equal(verifyIntegrity(m, key), true);
  assert.equal(verifyFingerprint(m), true);
  const flipped = Buffer.from(buf);
  flipped[25] = flipped[25]! ^ 1;
  const f = decodeMessage(flipped)!;
  assert.equal(verifyIntegrity(f, key), false);
  assert.equal(verifyFingerprint(f), false);
});

test('CRC-32 matches the standard check value', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
});

test('ERROR-CODE encodes class and number', () => {
  assert.deepEqual(decodeErrorCode(encodeErrorCode(401, 'Unauthorized')), { code: 401, reason: 'Unauthorized' });
  assert.deepEqual(decodeErrorCode(encodeErrorCode(438, 'Stale Nonce')), { code: 438, reason: 'Stale Nonce' });
  assert.equal(decodeErrorCode(Buffer.from([0, 0, 4])), undefined);
});

test('RFC 8489 section 6.2.1 retransmission schedule: RTO 500 ms, Rc 7, Rm 16 gives up at 39.5 s', () => {
  const s = retransmissionSchedule(500);
  assert.deepEqual(s.sends, [0, 500, 1500, 3500, 7500, 15500, 31500]);
  assert.equal(s.giveUpAt, 39500);
});

test('hostile input: truncated, garbage and bit-flipped messages never throw and never decode past their bounds', () => {
  const seeds = [SAMPLE_REQUEST, SAMPLE_IPV4_RESPONSE, SAMPLE_IPV6_RESPONSE, SAMPLE_LONG_TERM];
  assert.equal(decodeMessage(SAMPLE_REQUEST.subarray(0, 19)), undefined);
  assert.equal(decodeMessage(SAMPLE_REQUEST.subarray(0, SAMPLE_REQUEST.length - 1)), undefined);
  const badCookie = Buffer.from(SAMPLE_REQUEST);
  badCookie[4] = 0;
  assert.equal(decodeMessage(badCookie), undefined);
  const overrun = Buffer.from(SAMPLE_REQUEST);
  overrun.writeUInt16BE(200, 22);
  assert.equal(decodeMessage(overrun), undefined);
  for (let i = 0; i < 5000; i++) {
    const seed = seeds[i % seeds.length]!;
    let buf: Buffer;
    if (i % 3 === 0) buf = randomBytes(Math.floor(Math.random() * 100));
    else if (i % 3 === 1) buf = seed.subarray(0, Math.floor(Math.random() * seed.length));
    else {
      buf = Buffer.from(seed);
      const k = Math.floor(Math.random() * buf.length);
      buf[k] = buf[k]! ^ (1 << (i % 8));
    }
    assert.doesNotThrow(() => {
      const m = decodeMessage(buf);
      if (m) {
        assert.ok(m.raw.length <= buf.length);
        verifyFingerprint(m);
        verifyIntegrity(m, SHORT_TERM_KEY);
        for (const a of m.attributes) decodeXorAddress(a.value, m.transactionId);
      }
      frameStream(buf);
    });
  }
});

test('stream framing splits messages, keeps the unfinished rest and rejects non-STUN', () => {
  const a = encodeMessage({ method: METHOD.binding, cls: CLASS.request, transactionId: randomBytes(12) }, { fingerprint: true });
  const b = encodeMessage({ method: METHOD.allocate, cls: CLASS.request, transactionId: randomBytes(12), attributes: [{ type: ATTR.software, value: 'x' }] });
  const f = frameStream(Buffer.concat([a, b, b.subarray(0, 10)]));
  assert.equal(f.messages.length, 2);
  assert.equal(f.rest.length, 10);
  assert.equal(f.error, undefined);
  assert.ok(frameStream(Buffer.from('HTTP/1.1 200 OK\r\n\r\n')).error);
});
