#!/usr/bin/env node
// Bundles the server into plain JavaScript (packages/server/dist/) so production runs without
// tsx's loader (~70 MiB of resident memory). Only our own workspace code (@kopilka/domain and the
// server's sources) goes into the bundle; every npm package stays external and is loaded from
// node_modules at run time, so PGlite's wasm and data files, argon2's native addon and pino's
// transport workers find their files where they always do.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = join(ROOT, 'packages/server');
export const SERVER_DIST = join(SERVER, 'dist');

const MEMBERS = join(SERVER, 'src/capabilities/members');
// The members import starts its parse workers from a file next to its own module; in the bundle that
// module is dist/cli.js, so the worker is an entry point of its own and the reference is renamed.
const WORKER_SOURCE = './import-members.worker.ts';
const WORKER_BUNDLED = './import-members.worker.js';

/** Bare imports other than our workspace packages stay imports of node_modules. */
const externalNpmPackages = {
  name: 'external-npm-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@kopilka/') ? undefined : { path: args.path, external: true },
    );
  },
};

const workerReference = {
  name: 'members-import-worker',
  setup(build) {
    build.onLoad({ filter: /import-members-parallel\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const uses = source.split(`'${WORKER_SOURCE}'`).length - 1;
      if (uses !== 1)
        throw new Error(
          `${args.path}: expected one reference to '${WORKER_SOURCE}', found ${uses}; update scripts/build-server.mjs`,
        );
      return { contents: source.replace(`'${WORKER_SOURCE}'`, `'${WORKER_BUNDLED}'`), loader: 'ts' };
    });
  },
};

export async function buildServer({ quiet = false } = {}) {
  const started = Date.now();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: {
      cli: join(SERVER, 'src/entrypoints/cli.ts'),
      'import-members.worker': join(MEMBERS, 'import-members.worker.ts'),
    },
    outdir: SERVER_DIST,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Stack traces point at the .ts lines under `node --enable-source-maps`.
    sourcemap: true,
    sourcesContent: false,
    plugins: [externalNpmPackages, workerReference],
    logLevel: 'warning',
    write: false,
  });
  // Servers may be starting from dist/ right now (e2e, benchmarks, another `npm start` in this
  // checkout): a file is replaced in one rename, and left alone when its content has not changed.
  await mkdir(SERVER_DIST, { recursive: true });
  for (const file of result.outputFiles) {
    const current = await readFile(file.path).catch(() => null);
    if (current?.equals(file.contents)) continue;
    const temp = `${file.path}.${process.pid}.tmp`;
    await writeFile(temp, file.contents);
    await rename(temp, file.path);
  }
  if (!quiet)
    process.stdout.write(`server bundle: packages/server/dist/cli.js in ${Date.now() - started} ms\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildServer({ quiet: process.argv.includes('--quiet') });
}
