import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONFIG_SCHEMA } from '../../src/core/config/load';
import { DIAGNOSTIC_RULES } from '../../src/core/formats/diagnostics';
import { parseCidr } from '../../src/core/model/addresses';
import { catalogMarkdown, catalogTable, README_END, README_START } from '../../src/core/report/catalog';
import { REQUIREMENTS } from '../../src/core/requirements/catalog';
import { selectRequirements } from '../../src/core/requirements/select';
import { LEVELS, PROFILES, ROLES } from '../../src/core/requirements/types';
import { repoPath, sharedOrSkip } from '../support/shared';

const normalize = (s: string): string => s.replace(/\s+/g, ' ').trim();

test('every requirement quotes its source verbatim (white space aside)', (t) => {
  const seeds = sharedOrSkip(t, 'seeds');
  if (!seeds) return;
  const sources = new Map<string, string>();
  const read = (name: string): string => {
    let text = sources.get(name);
    if (text === undefined) {
      text = normalize(readFileSync(name === 'NOTES.md' ? join(seeds, '..', 'NOTES.md') : join(seeds, name), 'utf8'));
      sources.set(name, text);
    }
    return text;
  };
  let checked = 0;
  for (const r of REQUIREMENTS) {
    for (const c of r.citations) {
      assert.ok(read(c.source).includes(normalize(c.fact)), `${r.id}: "${c.fact}" is not in ${c.source}`);
      if (c.source === 'NOTES.md') assert.ok(c.origin, `${r.id}: a fact from NOTES.md names where NOTES.md took it from`);
      checked++;
    }
  }
  assert.ok(checked >= REQUIREMENTS.length);
});

test('ids are unique kebab-case and never collide with diagnostic ids', () => {
  const ids = REQUIREMENTS.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of [...ids, ...Object.keys(DIAGNOSTIC_RULES)]) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  for (const id of Object.keys(DIAGNOSTIC_RULES)) assert.ok(!ids.includes(id), id);
});

test('every requirement is complete: level, roles, profiles, citation, and flows where it is a flow', () => {
  for (const r of REQUIREMENTS) {
    assert.ok(LEVELS.includes(r.level), r.id);
    assert.ok(r.roles.length > 0 && r.roles.every((x) => ROLES.includes(x)), r.id);
    assert.ok(r.profiles.length > 0 && r.profiles.every((x) => PROFILES.includes(x)), r.id);
    assert.ok(r.citations.length > 0, `${r.id} cites nothing`);
    assert.ok(r.rationale.length > 20, `${r.id} explains nothing`);
    if (r.kind === 'flow' && r.id !== 'custom-turn-reachable') {
      assert.ok(r.flows && r.flows.length > 0, `${r.id} is a flow without flows`);
      assert.ok(r.direction, `${r.id} has no direction`);
      for (const f of r.flows) for (const [a, b] of f.ports) assert.ok(a >= 0 && a <= b && b <= 65535, `${r.id} ports ${a}-${b}`);
    }
    for (const c of r.destinations?.cidrs ?? []) assert.ok(parseCidr(c).ok, `${r.id}: ${c}`);
  }
});

test('the seeds\' core facts are in the catalog with the right levels', () => {
  const byId = new Map(REQUIREMENTS.map((r) => [r.id, r]));
  assert.deepEqual(byId.get('tcp-443-platform')?.flows, [{ protocol: 'tcp', ports: [[443, 443]] }]);
  assert.equal(byId.get('tcp-443-platform')?.level, 'required');
  assert.deepEqual(byId.get('udp-3478')?.flows, [{ protocol: 'udp', ports: [[3478, 3478]] }]);
  assert.equal(byId.get('udp-3478')?.level, 'recommended');
  assert.deepEqual(byId.get('udp-media-range')?.flows, [{ protocol: 'udp', ports: [[1025, 65535]] }]);
  assert.equal(byId.get('udp-media-range')?.level, 'best');
  assert.deepEqual(byId.get('tcp-443-platform')?.destinations?.domains, ['*.opentok.com', '*.tokbox.com']);
  const legacy = REQUIREMENTS.filter((r) => r.profiles.includes('opentok-2013'));
  assert.ok(legacy.some((r) => r.flows?.some((f) => f.protocol === 'tcp' && f.ports.some(([a, b]) => a <= 5560 && 5560 <= b))), 'TCP 5560 of 2013');
});

test('roles and profiles select different requirement sets', () => {
  const server = selectRequirements({ profiles: ['opentok'], role: 'app-server' }).map((r) => r.id);
  const client = selectRequirements({ profiles: ['opentok'], role: 'client-network' }).map((r) => r.id);
  assert.ok(!server.includes('udp-media-range') && client.includes('udp-media-range'));
  assert.ok(server.includes('app-server-api'));
  const off = selectRequirements({ profiles: ['opentok'], role: 'client-network', levels: { 'udp-3478': 'off', 'udp-media-range': 'required' } });
  assert.ok(!off.some((r) => r.id === 'udp-3478'));
  assert.equal(off.find((r) => r.id === 'udp-media-range')?.level, 'required');
});

test('the committed catalog documentation is generated from the catalog (run npm run docs)', () => {
  const readme = readFileSync(repoPath('README.md'), 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  assert.ok(start >= 0 && end > start, 'README.md has the catalog markers');
  assert.equal(readme.slice(start + README_START.length, end).trim(), catalogTable().trim(), 'README.md table is stale: run npm run docs');
  assert.equal(readFileSync(repoPath('docs/requirements.md'), 'utf8').trim(), catalogMarkdown().trim(), 'docs/requirements.md is stale: run npm run docs');
  for (const r of REQUIREMENTS) assert.ok(catalogMarkdown().includes(`## ${r.id}\n`), `${r.id} has a documentation anchor`);
});

test('the configuration schema knows every profile, role and level', () => {
  const s = CONFIG_SCHEMA as { properties: Record<string, { items?: { enum?: string[] }; enum?: string[] }> };
  assert.deepEqual(s.properties.profiles?.items?.enum, [...PROFILES]);
  assert.deepEqual(s.properties.role?.enum, [...ROLES]);
  assert.deepEqual(s.properties.minLevel?.enum, [...LEVELS]);
});
