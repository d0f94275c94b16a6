// Just enough STUN/TURN (RFC 8489, RFC 8656) to check the cloud's coturn with the stock
// Node API, independently of the probe engine, and to build the hostile peers' answers.
import type { World } from './world';

export const MAGIC_COOKIE = 0x2112a442;
export const BINDING_REQUEST = 0x0001;
export const BINDING_SUCCESS = 0x0101;
export const ALLOCATE_REQUEST = 0x0003;
export const ALLOCATE_ERROR = 0x0113;

/** A STUN message: 20-byte header (type, length, cookie, transaction id) and attributes. */
export function stunMessage(type: number, txid: Buffer, attrs: ReadonlyArray<readonly [number, Buffer]> = []): Buffer {
  const body = Buffer.concat(
    attrs.map(([t, v]) => {
      const pad = (4 - (v.length % 4)) % 4;
      const h = Buffer.alloc(4);
      h.writeUInt16BE(t, 0);
      h.writeUInt16BE(v.length, 2);
      return Buffer.concat([h, v, Buffer.alloc(pad)]);
    }),
  );
  const head = Buffer.alloc(20);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(body.length, 2);
  head.writeUInt32BE(MAGIC_COOKIE, 4);
  txid.copy(head, 8, 0, 12);
  return Buffer.concat([head, body]);
}

/** The transaction id of a request (bytes 8-20), or undefined when it is no STUN message. */
export function transactionId(msg: Buffer): Buffer | undefined {
  return msg.length >= 20 && msg.readUInt32BE(4) === MAGIC_COOKIE ? msg.subarray(8, 20) : undefined;
}

/**
 * Sends an unauthenticated Allocate (or a Binding: "binding-success") over UDP from the client namespace and returns
 * "<error code> <realm>" or "timeout": RFC 8656 §7.2 says the server answers 401 with REALM and NONCE.
 */
export async function stunRequest(world: World, host: string, port: number, method: 'allocate' | 'binding' = 'allocate'): Promise<string> {
  const type = method === 'allocate' ? ALLOCATE_REQUEST : BINDING_REQUEST;
  const code = `
const dgram=require('node:dgram'),crypto=require('node:crypto');
const s=dgram.createSocket('udp4');const tx=crypto.randomBytes(12);
const alloc=${type === ALLOCATE_REQUEST};const m=Buffer.alloc(alloc?28:20);m.writeUInt16BE(${type},0);m.writeUInt16BE(alloc?8:0,2);m.writeUInt32BE(${MAGIC_COOKIE},4);tx.copy(m,8);
if(alloc){m.writeUInt16BE(0x0019,20);m.writeUInt16BE(4,22);m.writeUInt8(17,24);}
const t=setTimeout(()=>{console.log('timeout');s.close();},1500);
s.on('message',(b)=>{clearTimeout(t);let o=20,err='',realm='';while(o+4<=b.length){const ty=b.readUInt16BE(o),l=b.readUInt16BE(o+2),v=b.subarray(o+4,o+4+l);
if(ty===0x0009)err=String(v[2]*100+v[3]);if(ty===0x0014)realm=v.toString();o+=4+l+((4-l%4)%4);}
console.log(b.readUInt16BE(0)===${BINDING_SUCCESS}?'binding-success':err+' '+realm);s.close();});
s.send(m,${port},'${host}');`;
  const r = await world.inClient([process.execPath, '-e', code], { timeoutMs: 10_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}
