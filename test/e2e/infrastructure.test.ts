// The simulated network itself, checked with the stock tools before any probe relies on it:
// if these fail, a probe's verdict would say nothing about the probe.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HOSTS, TURN_REALM } from './lib/cloud';
import { run } from './lib/exec';
import { e2eOrSkip, missingPrerequisites } from './lib/prereq';
import { stunRequest } from './lib/stun';
import { MEDIA_STUN_PORT, NET, PROXY_PORTS, TCP_CAUSE_PORTS } from './lib/topology';
import { startWorld, type World } from './lib/world';

describe('simulated network', () => {
  let world: World | undefined;
  before(async () => {
    if (missingPrerequisites() === undefined) world = await startWorld();
  });
  after(async () => {
    const ns = world ? [world.clientNs, world.cloudNs] : [];
    await world?.stop();
    const left = run('ip', ['netns', 'list']).stdout;
    for (const n of ns) assert.ok(!left.includes(n), `namespace ${n} left behind`);
  });

  const nodeIn = async (w: World, code: string): Promise<string> => {
    const r = await w.inClient([process.execPath, '-e', code], { timeoutMs: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };

  test('dnsmasq answers the platform names, NXDOMAIN and sinkhole resolvers withhold them', async (t) => {
    if (!e2eOrSkip(t) || !world) return;
    world.firewall('open');
    const q = (server: string, name: string): Promise<string> =>
      nodeIn(world!, `const d=require('node:dns');const r=new d.Resolver({timeout:1000,tries:1});r.setServers(['${server}']);r.resolve4('${name}',(e,a)=>console.log(e?e.code:a.join(',')))`);
    assert.equal(await q(NET.dns, HOSTS.api), NET.web);
    assert.equal(await q(NET.dns, HOSTS.turn), NET.turn);
    assert.equal(await q(NET.dns, HOSTS.customTurn), NET.turnAlt);
    assert.equal(await q(NET.dnsNxdomain, HOSTS.api), 'ENOTFOUND');
    assert.equal(await q(NET.dnsNxdomain, HOSTS.customTurn), NET.turnAlt);
    assert.equal(await q(NET.dnsSinkhole, HOSTS.logging), '0.0.0.0');
    // The client's system resolver (resolv.conf of the namespace) points at dnsmasq.
    assert.equal(await nodeIn(world, `require('node:dns').lookup('${HOSTS.anvil}',(e,a)=>console.log(e?e.code:a))`), NET.web);
  });

  test('the REFUSED resolver refuses; the expired listener serves a certificate that expired', async (t) => {
    if (!e2eOrSkip(t) || !world) return;
    world.firewall('open');
    const refused = await nodeIn(world, `const r=new (require('node:dns').Resolver)({timeout:1000,tries:1});r.setServers(['${NET.dnsRefused}']);r.resolve4('${HOSTS.api}',(e,a)=>console.log(e?e.code:a.join(',')))`);
    assert.equal(refused, 'EREFUSED');
    const expired = await nodeIn(
      world,
      `const s=require('node:tls').connect({host:'${NET.hostile}',port:443,servername:'${HOSTS.expired}',ca:require('node:fs').readFileSync('${world.ca.cert}')},()=>{console.log(s.getPeerCertificate().valid_to);s.destroy()});s.on('error',(e)=>{console.log(e.code);});`,
    );
    assert.equal(expired, 'CERT_HAS_EXPIRED');
  });

  test('the perimeter rejects with a reset, rejects with ICMP host-unreachable, drops; the NAT maps another address', async (t) => {
    if (!e2eOrSkip(t) || !world) return;
    world.firewall('open');
    const tcp = (port: number): Promise<string> =>
      nodeIn(world!, `const s=require('node:net').connect(${port},'${NET.hostile}');s.setTimeout(1000,()=>{console.log('timeout');s.destroy()});s.on('connect',()=>{console.log('open');s.destroy()});s.on('error',(e)=>console.log(e.code))`);
    assert.equal(await tcp(TCP_CAUSE_PORTS.refused), 'ECONNREFUSED');
    assert.equal(await tcp(TCP_CAUSE_PORTS.unreachable), 'EHOSTUNREACH');
    assert.equal(await tcp(TCP_CAUSE_PORTS.dropped), 'timeout');
    world.firewall('udp-nat');
    const mapped = await nodeIn(
      world,
      `const d=require('node:dgram').createSocket('udp4');const m=Buffer.alloc(20);m.writeUInt16BE(1,0);m.writeUInt32BE(0x2112a442,4);require('node:crypto').randomBytes(12).copy(m,8);
       d.on('message',(b)=>{let o=20;while(o+4<=b.length){const t=b.readUInt16BE(o),l=b.readUInt16BE(o+2);if(t===0x20){clearTimeout(w);console.log([b[o+8]^0x21,b[o+9]^0x12,b[o+10]^0xa4,b[o+11]^0x42].join('.'));d.close();return;}o+=4+l+((4-l%4)%4);}});
       const w=setTimeout(()=>{console.log('timeout');d.close()},1500);d.send(m,3478,'${NET.turn}');`,
    );
    assert.equal(mapped, NET.natPublic);
    world.firewall('open');
  });

  test('HTTPS with the test CA and a WebSocket upgrade answered 101', async (t) => {
    if (!e2eOrSkip(t) || !world) return;
    world.firewall('open');
    const out = await nodeIn(
      world,
      `const https=require('node:https'),fs=require('node:fs');const ca=fs.readFileSync('${world.ca.cert}');
       https.get({host:'${HOSTS.api}',path:'/',ca},(r)=>{r.resume();const req=https.request({host:'${HOSTS.signalling}',path:'/rumorwebsocketsv2',ca,headers:{Connection:'Upgrade',Upgrade:'websocket','Sec-WebSocket-Version':'13','Sec-WebSocket-Key':require('node:crypto').randomBytes(16).toString('base64')}});
       req.on('upgrade',(res,s)=>{console.log(r.statusCode+' '+res.statusCode+' '+res.socket.getPeerCertificate().issuer.CN);s.destroy();});req.end();});`,
    );
    assert.equal(out, `200 101 ${world.ca.name}`);
  });

  test('coturn answers an unauthenticated Allocate 401 with its realm over UDP, and the firewall drops UDP', async (t) => {
    if (!e2eOrSkip(t) || !world) return;
    world.firewall('open');
    const open = await stunRequest(world, NET.turn, 3478);
    assert.match(open, new RegExp(`^401 ${TURN_REALM.replace(/\./g, '\\.')}`));
    assert.equal(await stunRequest(world, NET.media, MEDIA_STUN_PORT, 'binding'), 'binding-success');
    world.firewall('udp-dropped');
    assert.equal(await stunRequest(world, NET.turn, 3478), 'timeout');
    world.firewall('udp-high-dropped');
    assert.match(await stunRequest(world, NET.turn, 3478), /^401 /);
    assert.equal(await stunRequest(world, NET.media, MEDIA_STUN_PORT, 'binding'), 'timeout');
    world.firewall('open');
  });

  test('coturn speaks TLS on 5349 and 443 with the test certificate', async (t) => {
    if (!e2eOrSkip(t) || !world) return;
    world.firewall('open');
    for (const port of [5349, 443]) {
      const out = await nodeIn(
        world,
        `const s=require('node:tls').connect({host:'${HOSTS.turn}',port:${port},servername:'${HOSTS.turn}',ca:require('node:fs').readFileSync('${world.ca.cert}')},()=>{console.log(s.authorized+' '+s.getPeerCertificate().issuer.CN);s.destroy();});s.on('error',(e)=>console.log(e.message));`,
      );
      assert.equal(out, `true ${world.ca.name}`, `TLS ${port}`);
    }
  });

  test('Squid: plain CONNECT tunnels, the authenticating port answers 407, the bumping port re-signs with its own CA', async (t) => {
    if (!e2eOrSkip(t) || !world) return;
    world.firewall('proxy-only');
    const connect = (port: number): Promise<string> =>
      nodeIn(
        world!,
        `const net=require('node:net'),tls=require('node:tls');const s=net.connect(${port},'${NET.proxy}',()=>s.write('CONNECT ${HOSTS.api}:443 HTTP/1.1\\r\\nHost: ${HOSTS.api}:443\\r\\n\\r\\n'));
         s.once('data',(d)=>{const line=d.toString().split('\\r\\n')[0];if(!/ 200 /.test(line)){console.log(line);s.destroy();return;}
         const t=tls.connect({socket:s,servername:'${HOSTS.api}',rejectUnauthorized:false},()=>{console.log(line+' | '+t.getPeerCertificate().issuer.CN);t.destroy();});});`,
      );
    assert.match(await connect(PROXY_PORTS.plain), new RegExp(`200 .*\\| ${world.ca.name}$`));
    assert.match(await connect(PROXY_PORTS.auth), /^HTTP\/1\.1 407 /);
    assert.match(await connect(PROXY_PORTS.bump), new RegExp(`200 .*\\| ${world.mitmCa.name}$`));
    // The allow-list port tunnels to the API hosts and refuses the rest of the platform.
    assert.match(await connect(PROXY_PORTS.narrow), new RegExp(`200 .*\\| ${world.ca.name}$`));
    const narrowSignalling = await nodeIn(
      world,
      `const s=require('node:net').connect(${PROXY_PORTS.narrow},'${NET.proxy}',()=>s.write('CONNECT ${HOSTS.signalling}:443 HTTP/1.1\\r\\nHost: ${HOSTS.signalling}:443\\r\\n\\r\\n'));s.once('data',(d)=>{console.log(d.toString().split('\\r\\n')[0]);s.destroy();});`,
    );
    assert.match(narrowSignalling, /^HTTP\/1\.1 403 /);
    // Direct egress is dropped in this profile.
    const direct = await nodeIn(world, `const s=require('node:net').connect(443,'${NET.web}');s.setTimeout(800,()=>{console.log('timeout');s.destroy()});s.on('connect',()=>{console.log('open');s.destroy()});s.on('error',(e)=>console.log(e.code))`);
    assert.equal(direct, 'timeout');
    world.firewall('open');
  });
});
