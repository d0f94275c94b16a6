// STUN messages (RFC 8489) with the TURN additions (RFC 8656): encoding, decoding
// with bounds checks, XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT.
// Decoding never throws: a peer's bytes are untrusted.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { joinIpv6Groups } from '../../core/model/addresses';

export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_LENGTH = 20;

export const METHOD = { binding: 0x001, allocate: 0x003, refresh: 0x004 } as const;
export const CLASS = { request: 0b00, indication: 0b01, success: 0b10, error: 0b11 } as const;
export type StunClass = (typeof CLASS)[keyof typeof CLASS];

export const ATTR = {
  mappedAddress: 0x0001,
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  unknownAttributes: 0x000a,
  lifetime: 0x000d,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
  xorMappedAddress: 0x0020,
  software: 0x8022,
  fingerprint: 0x8028,
} as const;

/** RFC 8656 section 18.2: REQUESTED-TRANSPORT protocol number for UDP. */
export const TRANSPORT_UDP = 17;

export interface StunAttribute {
  readonly type: number;
  readonly value: Buffer;
  /** Offset of the attribute's header in the message. */
  readonly offset: number;
}

export interface StunMessage {
  readonly method: number;
  readonly cls: StunClass;
  readonly transactionId: Buffer;
  readonly attributes: readonly StunAttribute[];
  /** The message's bytes (header + Length). */
  readonly raw: Buffer;
}

export interface TransportAddress {
  readonly family: 4 | 6;
  readonly address: string;
  readonly port: number;
}

/** RFC 8489 section 5: method bits M0-M11 interleaved with class bits C0 (bit 4) and C1 (bit 8). */
export function messageType(method: number, cls: StunClass): number {
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | ((cls & 1) << 4) | ((cls & 2) << 7);
}

function splitType(type: number): { method: number; cls: StunClass } {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const cls = (((type >> 4) & 1) | ((type >> 7) & 2)) as StunClass;
  return { method, cls };
}

export interface EncodeAttribute {
  readonly type: number;
  readonly value: Buffer | string;
}

export interface EncodeOptions {
  /** Adds MESSAGE-INTEGRITY (HMAC-SHA1) with this key. */
  readonly integrityKey?: Buffer;
  /** Adds FINGERPRINT. */
  readonly fingerprint?: boolean;
}

function attributeBytes(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

export function encodeMessage(
  msg: { method: number; cls: StunClass; transactionId: Buffer; attributes?: readonly EncodeAttribute[] },
  opts: EncodeOptions = {},
): Buffer {
  if (msg.transactionId.length !== 12) throw new RangeError('a STUN transaction id has 12 bytes');
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt16BE(messageType(msg.method, msg.cls), 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  msg.transactionId.copy(header, 8);
  let body = Buffer.concat((msg.attributes ?? []).map((a) => attributeBytes(a.type, typeof a.value === 'string' ? Buffer.from(a.value, 'utf8') : a.value)));
  if (opts.integrityKey) {
    // RFC 8489 section 14.5: the HMAC covers the message with Length already counting MESSAGE-INTEGRITY.
    header.writeUInt16BE(body.length + 24, 2);
    const mac = createHmac('sha1', opts.integrityKey).update(header).update(body).digest();
    body = Buffer.concat([body, attributeBytes(ATTR.messageIntegrity, mac)]);
  }
  if (opts.fingerprint) {
    // RFC 8489 section 14.7: CRC-32 of the message up to FINGERPRINT, XOR 0x5354554e, Length counting it.
    header.writeUInt16BE(body.length + 8, 2);
    const crc = (crc32(Buffer.concat([header, body])) ^ 0x5354554e) >>> 0;
    const v = Buffer.alloc(4);
    v.writeUInt32BE(crc, 0);
    body = Buffer.concat([body, attributeBytes(ATTR.fingerprint, v)]);
  }
  header.writeUInt16BE(body.length, 2);
  return Buffer.concat([header, body]);
}

/** Decodes one STUN message from the start of `buf`; undefined when it is not one. */
export function decodeMessage(buf: Buffer): StunMessage | undefined {
  if (!Buffer.isBuffer(buf) || buf.length < HEADER_LENGTH) return undefined;
  const type = buf.readUInt16BE(0);
  if (type & 0xc000) return undefined;
  const length = buf.readUInt16BE(2);
  if (length % 4 !== 0 || buf.readUInt32BE(4) !== MAGIC_COOKIE || HEADER_LENGTH + length > buf.length) return undefined;
  const raw = buf.subarray(0, HEADER_LENGTH + length);
  const attributes: StunAttribute[] = [];
  let off = HEADER_LENGTH;
  let sealed = false;
  while (off < raw.length) {
    if (off + 4 > raw.length) return undefined;
    const at = raw.readUInt16BE(off);
    const len = raw.readUInt16BE(off + 2);
    if (off + 4 + len > raw.length) return undefined;
    // RFC 8489 section 14.5: attributes after MESSAGE-INTEGRITY other than FINGERPRINT are ignored.
    if (!sealed || at === ATTR.fingerprint) attributes.push({ type: at, value: raw.subarray(off + 4, off + 4 + len), offset: off });
    if (at === ATTR.messageIntegrity) sealed = true;
    if (at === ATTR.fingerprint) break;
    off += 4 + Math.ceil(len / 4) * 4;
  }
  const { method, cls } = splitType(type);
  return { method, cls, transactionId: raw.subarray(8, 20), attributes, raw };
}

export function getAttribute(msg: StunMessage, type: number): Buffer | undefined {
  return msg.attributes.find((a) => a.type === type)?.value;
}

/** RFC 8489 section 14.8: ERROR-CODE as class * 100 + number, with its reason phrase. */
export function decodeErrorCode(v: Buffer | undefined): { code: number; reason: string } | undefined {
  if (!v || v.length < 4) return undefined;
  const code = (v[2]! & 0x07) * 100 + v[3]!;
  if (code < 300 || code > 699) return undefined;
  return { code, reason: v.subarray(4).toString('utf8') };
}

export function encodeErrorCode(code: number, reason: string): Buffer {
  const r = Buffer.from(reason, 'utf8');
  const v = Buffer.alloc(4 + r.length);
  v[2] = Math.floor(code / 100);
  v[3] = code % 100;
  r.copy(v, 4);
  return v;
}

function ipBytes(address: string): Buffer | undefined {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  if (!isIPv6(address)) return undefined;
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail !== undefined ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16) & 0xffff, i * 2));
  return out;
}

function ipText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return joinIpv6Groups(groups);
}

/** RFC 8489 section 14.2: XOR-MAPPED-ADDRESS (also XOR-RELAYED-ADDRESS, RFC 8656). */
export function decodeXorAddress(v: Buffer | undefined, transactionId: Buffer): TransportAddress | undefined {
  if (!v || v.length < 8) return undefined;
  const family = v[1];
  const port = v.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(mask, 4);
  if (family === 0x01) {
    const a = Buffer.alloc(4);
    for (let i = 0; i < 4; i++) a[i] = v[4 + i]! ^ mask[i]!;
    return { family: 4, address: ipText(a), port };
  }
  if (family === 0x02 && v.length >= 20 && transactionId.length === 12) {
    const a = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) a[i] = v[4 + i]! ^ mask[i]!;
    return { family: 6, address: ipText(a), port };
  }
  return undefined;
}

export function encodeXorAddress(addr: { address: string; port: number }, transactionId: Buffer): Buffer {
  const bytes = ipBytes(addr.address);
  if (!bytes) throw new TypeError(`not an IP address: ${addr.address}`);
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(mask, 4);
  const v = Buffer.alloc(4 + bytes.length);
  v[1] = bytes.length === 4 ? 0x01 : 0x02;
  v.writeUInt16BE(addr.port ^ (MAGIC_COOKIE >>> 16), 2);
  for (let i = 0; i < bytes.length; i++) v[4 + i] = bytes[i]! ^ mask[i]!;
  return v;
}

/** The plain MAPPED-ADDRESS of RFC 3489 servers. */
export function decodeMappedAddress(v: Buffer | undefined): TransportAddress | undefined {
  if (!v || v.length < 8) return undefined;
  if (v[1] === 0x01) return { family: 4, address: ipText(v.subarray(4, 8)), port: v.readUInt16BE(2) };
  if (v[1] === 0x02 && v.length >= 20) return { family: 6, address: ipText(v.subarray(4, 20)), port: v.readUInt16BE(2) };
  return undefined;
}

/** RFC 8489 section 9.2.2: key = MD5(username ":" realm ":" password); SASLprep/OpaqueString left to the caller. */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash('md5').update(`${username}:${realm}:${password}`, 'utf8').digest();
}

export function verifyIntegrity(msg: StunMessage, key: Buffer): boolean {
  const mi = msg.attributes.find((a) => a.type === ATTR.messageIntegrity);
  if (!mi || mi.value.length !== 20) return false;
  const head = Buffer.from(msg.raw.subarray(0, HEADER_LENGTH));
  head.writeUInt16BE(mi.offset + 24 - HEADER_LENGTH, 2);
  const mac = createHmac('sha1', key).update(head).update(msg.raw.subarray(HEADER_LENGTH, mi.offset)).digest();
  return timingSafeEqual(mac, mi.value);
}

/** `undefined` when the message carries no FINGERPRINT. */
export function verifyFingerprint(msg: StunMessage): boolean | undefined {
  const fp = msg.attributes.find((a) => a.type === ATTR.fingerprint);
  if (!fp) return undefined;
  if (fp.value.length !== 4) return false;
  const head = Buffer.from(msg.raw.subarray(0, fp.offset));
  head.writeUInt16BE(fp.offset + 8 - HEADER_LENGTH, 2);
  return ((crc32(head) ^ 0x5354554e) >>> 0) === fp.value.readUInt32BE(0);
}

let CRC_TABLE: Uint32Array | undefined;
/** CRC-32 (ISO 3309 / ITU-T V.42), as FINGERPRINT requires. */
export function crc32(buf: Buffer): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of buf) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Splits a TCP/TLS byte stream into STUN messages (RFC 8489 section 6.2.2: messages
 * are self-delimiting over streams). `error` when the stream is not STUN.
 */
export function frameStream(buf: Buffer): { messages: Buffer[]; rest: Buffer; error?: string } {
  const messages: Buffer[] = [];
  let off = 0;
  while (buf.length - off >= 4) {
    if (buf[off]! & 0xc0) return { messages, rest: buf.subarray(off), error: 'not a STUN message' };
    const total = HEADER_LENGTH + buf.readUInt16BE(off + 2);
    if (buf.readUInt16BE(off + 2) % 4 !== 0) return { messages, rest: buf.subarray(off), error: 'bad STUN length' };
    if (buf.length - off >= 8 && buf.readUInt32BE(off + 4) !== MAGIC_COOKIE) return { messages, rest: buf.subarray(off), error: 'bad magic cookie' };
    if (buf.length - off < total) break;
    messages.push(buf.subarray(off, off + total));
    off += total;
  }
  return { messages, rest: buf.subarray(off) };
}
