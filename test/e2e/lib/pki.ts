// Per-run certificates made with openssl in a temp dir: a test root CA that signs the
// stand-in platform servers (web and TURN), and a separate "inspection" CA that the
// intercepting proxy uses to mint certificates, as a corporate TLS-inspecting proxy does.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { must } from './exec';

export interface Ca {
  readonly name: string;
  readonly cert: string;
  readonly key: string;
}

export interface ServerCert {
  readonly cert: string;
  readonly key: string;
  /** Leaf followed by the CA: what a server sends. */
  readonly chain: string;
}

export function makeCa(dir: string, file: string, commonName: string): Ca {
  const cert = join(dir, `${file}.pem`);
  const key = join(dir, `${file}.key`);
  must('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', `/O=opentok-readiness tests/CN=${commonName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { name: commonName, cert, key };
}

export function makeServerCert(dir: string, file: string, ca: Ca, names: readonly string[], ips: readonly string[]): ServerCert {
  const key = join(dir, `${file}.key`);
  const csr = join(dir, `${file}.csr`);
  const cert = join(dir, `${file}.pem`);
  const ext = join(dir, `${file}.ext`);
  const san = [...names.map((n) => `DNS:${n}`), ...ips.map((i) => `IP:${i}`)].join(',');
  writeFileSync(ext, `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`);
  must('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${names[0] ?? ips[0] ?? 'server'}`]);
  must('openssl', ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  const chain = join(dir, `${file}-chain.pem`);
  writeFileSync(chain, must('cat', [cert, ca.cert]));
  return { cert, key, chain };
}

/**
 * A server certificate from the test CA that expired long ago (valid for one day in
 * 2020), made with `openssl ca`, whose -startdate/-enddate set any period.
 */
export function makeExpiredServerCert(dir: string, file: string, ca: Ca, names: readonly string[]): ServerCert {
  const db = join(dir, `${file}-ca`);
  mkdirSync(join(db, 'new'), { recursive: true });
  writeFileSync(join(db, 'index.txt'), '');
  writeFileSync(join(db, 'serial'), '1000\n');
  const conf = join(db, 'ca.cnf');
  writeFileSync(
    conf,
    [
      '[ca]', 'default_ca = test', '[test]', `database = ${join(db, 'index.txt')}`, `new_certs_dir = ${join(db, 'new')}`, `serial = ${join(db, 'serial')}`,
      `certificate = ${ca.cert}`, `private_key = ${ca.key}`, 'default_md = sha256', 'policy = any', 'unique_subject = no', '[any]', 'commonName = supplied', '',
    ].join('\n'),
  );
  const key = join(dir, `${file}.key`);
  const csr = join(dir, `${file}.csr`);
  const cert = join(dir, `${file}.pem`);
  const ext = join(dir, `${file}.ext`);
  writeFileSync(ext, `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\n`);
  must('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${names[0] ?? 'server'}`]);
  must('openssl', ['ca', '-batch', '-notext', '-config', conf, '-in', csr, '-out', cert, '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-extfile', ext]);
  const chain = join(dir, `${file}-chain.pem`);
  writeFileSync(chain, must('cat', [cert, ca.cert]));
  return { cert, key, chain };
}
