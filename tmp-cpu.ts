import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, createReadStream } from 'node:fs';
import pg from 'pg';
import { sql } from 'kysely';
import { importMembers } from './packages/server/src/capabilities/members/import-members.service';
import { createTenant } from './packages/server/src/capabilities/tenants/tenants.service';
import { createPostgres } from './packages/server/src/platform/db';
import { migrateToLatest } from './packages/server/src/platform/migrate';

const N = Number(process.argv[2] ?? 200000);
const file = `/tmp/cpu-${N}.csv`;
let s = 'phone,email,firstName,lastName,birthDate,externalId,cardNumber,tags,consentSms,consentEmail\n';
const F = ['Анна', 'Иван', 'Мария', 'Алексей', 'Ольга', 'Дмитрий'];
for (let i = 0; i < N; i++) {
  s += `+791${String((i * 7919) % 100000000).padStart(8, '0')},${i % 3 ? `user${i}@Example.com` : ''},${F[i % 6]},Фамилия${i % 1000},1980-0${1 + (i % 9)}-1${i % 9},crm-${i},${i % 10 ? '' : `OLD${i}`},,${i % 2 ? 'yes' : ''},${i % 5 ? '' : 'yes'}\n`;
}
writeFileSync(file, s);
const tick = 100;
const cpuOf = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / tick;
};
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
const name = `kopilka_cpu_${randomBytes(3).toString('hex')}`;
await admin.query(`create database ${name}`);
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
const h = createPostgres(url, 4);
await migrateToLatest(h.db);
const tenant = await createTenant(h.db, { name: 'x', slug: 'x' });
const pids = async () => (await admin.query(`select pid from pg_stat_activity where datname = $1`, [name])).rows.map((r) => r.pid as number);
const before = new Map<number, number>();
for (const p of await pids()) before.set(p, cpuOf(p));
const node0 = process.cpuUsage();
const t0 = Date.now();
let copyCpu = 0;
let copyClient: pg.Client | undefined;
const report = await importMembers({
  db: h.db, engine: 'postgres', tenantId: tenant.id, input: createReadStream(file), now: new Date(),
  onProgress: async (p) => {
    if (p.phase === 'merging' && copyClient) {
      const pid = (copyClient as unknown as { processID: number }).processID;
      copyCpu = cpuOf(pid);
      const nodeNow = process.cpuUsage(node0);
      console.log(`reading done at ${(Date.now() - t0) / 1000}s: node cpu ${(nodeNow.user + nodeNow.system) / 1e6}s, copy backend cpu ${copyCpu}s`);
    }
  },
  copyConnection: async () => { copyClient = new pg.Client({ connectionString: url }); await copyClient.connect(); return copyClient; },
});
const wall = (Date.now() - t0) / 1000;
let pgCpu = 0;
for (const p of await pids()) pgCpu += cpuOf(p) - (before.get(p) ?? 0);
const nodeCpu = process.cpuUsage(node0);
console.log(JSON.stringify({ N, wall, nodeCpu: (nodeCpu.user + nodeCpu.system) / 1e6, pgPoolCpu: pgCpu, copyCpu, created: report.created }));
await copyClient?.end();
await h.close();
await admin.query(`drop database ${name} with (force)`);
await admin.end();
