import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { DATA_ROOT } from './dataset';
import { log, ROOT_DIR } from './util';

/**
 * Which source tree the benchmarked server runs from.
 * - `worktree`: this checkout as it is (measures uncommitted changes; other people's half-written
 *   files can break it on a shared machine).
 * - an absolute path: a tree prepared by hand (e.g. a snapshot with a proposed fix), used as it is.
 * - `head` (or any commit): `git archive` of that commit into a private folder, with node_modules
 *   linked from this checkout — a stable, reproducible server while the work tree changes.
 */
export function sourceTree(source: string): { dir: string; label: string } {
  if (source === 'worktree') return { dir: ROOT_DIR, label: 'worktree' };
  // A prepared tree (e.g. a snapshot with a proposed server fix applied), used as it is.
  if (source.startsWith('/'))
    return { dir: source, label: source.split('/').filter(Boolean).pop() ?? source };
  const rev = spawnSync('git', ['rev-parse', '--short', source === 'head' ? 'HEAD' : source], {
    cwd: ROOT_DIR,
    encoding: 'utf8',
  });
  const commit = rev.stdout.trim();
  if (!commit) throw new Error(`unknown commit ${source}`);
  const dir = `${DATA_ROOT}/tree-${commit}`;
  if (!existsSync(`${dir}/package.json`)) {
    log(`exporting commit ${commit} to ${dir}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const archive = spawnSync('sh', ['-c', `git archive ${commit} | tar -x -C '${dir}'`], {
      cwd: ROOT_DIR,
      encoding: 'utf8',
    });
    if (archive.status !== 0) throw new Error(`git archive failed: ${archive.stderr}`);
    // node_modules: link every package from this checkout, but the workspace packages to the export.
    mkdirSync(`${dir}/node_modules/@kopilka`, { recursive: true });
    for (const name of readdirSync(`${ROOT_DIR}/node_modules`)) {
      if (name === '@kopilka' || name === '.bin') continue;
      symlinkSync(`${ROOT_DIR}/node_modules/${name}`, `${dir}/node_modules/${name}`);
    }
    symlinkSync(`${ROOT_DIR}/node_modules/.bin`, `${dir}/node_modules/.bin`);
    for (const pkg of readdirSync(`${dir}/packages`))
      symlinkSync(`${dir}/packages/${pkg}`, `${dir}/node_modules/@kopilka/${pkg}`);
  }
  return { dir, label: commit };
}
