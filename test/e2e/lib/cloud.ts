// The stand-in platform inside the cloud namespace: coturn, the HTTPS/WebSocket host,
// dnsmasq (normal, NXDOMAIN, sinkhole) and one Squid with three ports (plain CONNECT,
// authentication required, TLS interception with its own CA).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon, must, run, until } from './exec';
import type { Ca, ServerCert } from './pki';
import { MEDIA_STUN_PORT, NET, PROXY_PORTS } from './topology';
import { webServerCommand } from './web-server';

/** The platform's names and the stand-ins that answer them. */
export const HOSTS = {
  api: 'api.opentok.com',
  anvil: 'anvil.opentok.com',
  signalling: 'signaling.opentok.com',
  logging: 'hlg.tokbox.com',
  turn: 'turn.opentok.com',
  /** A media server's name (seed 001: UDP 1025-65535 to the media servers). */
  media: 'media.tokbox.com',
  ocsp: 'ocsp.godaddy.com',
  crl: 'crl.godaddy.com',
  /** A customer's own TURN server (Configurable TURN, seed 003). */
  customTurn: 'turn.corp.example',
  /** A platform name served with a certificate that has expired. */
  expired: 'expired.opentok.com',
} as const;

/** Domains the refusing resolvers withhold: the platform's own (seed 000: *.tokbox.com, *.opentok.com). */
export const PLATFORM_DOMAINS = ['opentok.com', 'tokbox.com', 'vonage.com'] as const;

export const TURN_REALM = 'opentok-readiness.test';

export interface CloudSecrets {
  readonly turnUser: string;
  readonly turnPassword: string;
  readonly proxyUser: string;
  readonly proxyPassword: string;
}

export interface Cloud {
  readonly daemons: readonly Daemon[];
  stop(): Promise<void>;
}

function inNs(ns: string, argv: readonly string[]): [string, string[]] {
  return ['ip', ['netns', 'exec', ns, ...argv]];
}

function listening(ns: string): string {
  return run('ip', ['netns', 'exec', ns, 'ss', '-H', '-lntu']).stdout;
}

export async function startCloud(ns: string, dir: string, ca: Ca, mitm: Ca, server: ServerCert, expired: ServerCert, secrets: CloudSecrets): Promise<Cloud> {
  const daemons: Daemon[] = [];
  const start = (name: string, argv: readonly string[]): Daemon => {
    const [cmd, args] = inNs(ns, argv);
    const d = new Daemon(name, cmd, args);
    daemons.push(d);
    return d;
  };
  const stop = async (): Promise<void> => {
    await Promise.all(daemons.map((d) => d.stop()));
  };
  try {
    // coturn: UDP/TCP 3478, TLS 5349 and TLS 443 (alt port), long-term credentials (RFC 8489 §9.2).
    const turnDir = join(dir, 'turn');
    mkdirSync(turnDir, { recursive: true });
    const turnConf = join(turnDir, 'turnserver.conf');
    writeFileSync(
      turnConf,
      [
        `listening-ip=${NET.turn}`,
        `listening-ip=${NET.turnAlt}`,
        `relay-ip=${NET.turn}`,
        'listening-port=3478',
        'tls-listening-port=5349',
        'alt-listening-port=3479',
        'alt-tls-listening-port=443',
        'min-port=49152',
        'max-port=65535',
        'fingerprint',
        'lt-cred-mech',
        `user=${secrets.turnUser}:${secrets.turnPassword}`,
        `realm=${TURN_REALM}`,
        `cert=${server.chain}`,
        `pkey=${server.key}`,
        `userdb=${join(turnDir, 'turndb')}`,
        `pidfile=${join(turnDir, 'turnserver.pid')}`,
        'no-cli',
        'no-tlsv1',
        'no-tlsv1_1',
        'log-file=stdout',
        'simple-log',
        '',
      ].join('\n'),
    );
    const turn = start('turnserver', ['turnserver', '-c', turnConf]);
    const mediaConf = join(turnDir, 'stun-media.conf');
    writeFileSync(
      mediaConf,
      [
        `listening-ip=${NET.media}`, `listening-port=${MEDIA_STUN_PORT}`, 'stun-only', 'no-tls', 'no-dtls', 'no-tcp', 'fingerprint', 'no-cli',
        `userdb=${join(turnDir, 'stundb')}`, `pidfile=${join(turnDir, 'stun.pid')}`, 'log-file=stdout', 'simple-log', '',
      ].join('\n'),
    );
    start('turnserver-stun', ['turnserver', '-c', mediaConf]);

    const web = start('web', webServerCommand(dir, [
      { host: NET.web, port: 443, tls: true },
      { host: NET.web, port: 80, tls: false },
      { host: NET.hostile, port: 443, tls: true, cert: expired.chain, key: expired.key },
    ], server.chain, server.key));

    const dns = (name: string, ip: string, answers: readonly string[]): Daemon =>
      start(name, [
        'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--no-poll',
        `--listen-address=${ip}`, '--bind-interfaces', '--pid-file=', '--user=root', '--log-facility=-', '--log-queries',
        ...answers.map((a) => `--address=${a}`),
      ]);
    const names: ReadonlyArray<readonly [string, string]> = [
      [HOSTS.api, NET.web], [HOSTS.anvil, NET.web], [HOSTS.signalling, NET.web], [HOSTS.logging, NET.web],
      [HOSTS.ocsp, NET.web], [HOSTS.crl, NET.web], [HOSTS.turn, NET.turn], [HOSTS.media, NET.media], [HOSTS.customTurn, NET.turnAlt], [HOSTS.expired, NET.hostile],
    ];
    // dnsmasq: the most specific --address wins, so the platform's other names fall back to the web host.
    dns('dnsmasq', NET.dns, [...PLATFORM_DOMAINS.map((d) => `/${d}/${NET.web}`), ...names.map(([n, ip]) => `/${n}/${ip}`)]);
    dns('dnsmasq-nxdomain', NET.dnsNxdomain, [...PLATFORM_DOMAINS.map((d) => `/${d}/`), ...names.filter(([n]) => !PLATFORM_DOMAINS.some((d) => n.endsWith(`.${d}`))).map(([n, ip]) => `/${n}/${ip}`)]);
    dns('dnsmasq-refused', NET.dnsRefused, []);
    dns('dnsmasq-sinkhole', NET.dnsSinkhole, [...PLATFORM_DOMAINS.map((d) => `/${d}/0.0.0.0`), ...names.filter(([n]) => !PLATFORM_DOMAINS.some((d) => n.endsWith(`.${d}`))).map(([n, ip]) => `/${n}/${ip}`)]);

    const squid = startSquid(dir, ca, mitm, secrets, (argv) => start('squid', argv));

    const want = [
      `${NET.turn}:3478`, `${NET.turn}:5349`, `${NET.turn}:443`, `${NET.turnAlt}:3478`, `${NET.media}:${MEDIA_STUN_PORT}`, `${NET.web}:443`, `${NET.web}:80`, `${NET.hostile}:443`,
      `${NET.dns}:53`, `${NET.dnsNxdomain}:53`, `${NET.dnsSinkhole}:53`, `${NET.dnsRefused}:53`,
      `${NET.proxy}:${PROXY_PORTS.plain}`, `${NET.proxy}:${PROXY_PORTS.auth}`, `${NET.proxy}:${PROXY_PORTS.bump}`, `${NET.proxy}:${PROXY_PORTS.narrow}`,
    ];
    await until(
      'the cloud services to listen',
      () => {
        const dead = daemons.find((d) => !d.alive);
        if (dead) throw new Error(`${dead.name} exited:\n${dead.output}`);
        const l = listening(ns);
        return want.every((w) => l.includes(`${w} `));
      },
      20_000,
      () => `listening:\n${listening(ns)}\n${[turn, web, squid].map((d) => `--- ${d.name}\n${d.output.slice(-2000)}`).join('\n')}`,
    );
    return { daemons, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function startSquid(dir: string, ca: Ca, mitm: Ca, secrets: CloudSecrets, start: (argv: readonly string[]) => Daemon): Daemon {
  const sq = join(dir, 'squid');
  mkdirSync(sq, { recursive: true });
  const passwd = join(sq, 'passwd');
  // basic_ncsa_auth reads htpasswd files; openssl makes the apr1 (MD5) hash it understands.
  const hash = must('openssl', ['passwd', '-apr1', '-stdin'], { input: secrets.proxyPassword }).trim();
  writeFileSync(passwd, `${secrets.proxyUser}:${hash}\n`);
  const ssldb = join(sq, 'ssl_db');
  must('/usr/lib/squid/security_file_certgen', ['-c', '-s', ssldb, '-M', '4MB']);
  const conf = join(sq, 'squid.conf');
  writeFileSync(
    conf,
    [
      `http_port ${NET.proxy}:${PROXY_PORTS.plain} name=plain`,
      `http_port ${NET.proxy}:${PROXY_PORTS.auth} name=auth`,
      `http_port ${NET.proxy}:${PROXY_PORTS.narrow} name=narrow`,
      `http_port ${NET.proxy}:${PROXY_PORTS.bump} name=bump ssl-bump generate-host-certificates=on dynamic_cert_mem_cache_size=4MB tls-cert=${mitm.cert} tls-key=${mitm.key}`,
      `sslcrtd_program /usr/lib/squid/security_file_certgen -s ${ssldb} -M 4MB`,
      'sslcrtd_children 3 startup=1 idle=1',
      `auth_param basic program /usr/lib/squid/basic_ncsa_auth ${passwd}`,
      'auth_param basic realm corporate proxy',
      'acl authPort myportname auth',
      'acl authed proxy_auth REQUIRED',
      'acl SSL_ports port 443',
      'acl CONNECT method CONNECT',
      // The usual corporate default (and Squid's): CONNECT only to 443.
      'http_access deny CONNECT !SSL_ports',
      'http_access deny authPort !authed',
      // A narrow allow-list: the admin let the API hosts through and nothing else of the platform.
      'acl narrowPort myportname narrow',
      `acl apiHosts dstdomain ${HOSTS.api} ${HOSTS.anvil}`,
      'http_access deny narrowPort !apiHosts',
      'http_access allow all',
      'acl step1 at_step SslBump1',
      'acl bumpPort myportname bump',
      'ssl_bump peek step1 bumpPort',
      'ssl_bump bump bumpPort',
      'ssl_bump splice all',
      `tls_outgoing_options cafile=${ca.cert}`,
      `dns_nameservers ${NET.dns}`,
      'dns_timeout 3 seconds',
      'cache deny all',
      'cache_mem 8 MB',
      `pid_filename ${join(sq, 'squid.pid')}`,
      `cache_log ${join(sq, 'cache.log')}`,
      `access_log stdio:${join(sq, 'access.log')}`,
      `coredump_dir ${sq}`,
      'visible_hostname corp-proxy.test',
      'shutdown_lifetime 0 seconds',
      'cache_effective_user proxy',
      '',
    ].join('\n'),
  );
  must('chown', ['-R', 'proxy:proxy', sq]);
  chmodSync(dir, 0o755);
  return start(['squid', '-N', '-f', conf]);
}
