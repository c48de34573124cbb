// Consumer fixtures (npm test): packs moe-wasm, installs the tarball next to pinned bundlers (the
// install is cached in build/consumers keyed by this folder's package-lock.json), builds each app
// in apps/ with its bundler's default production setup, serves it on 127.0.0.1 and trains in
// Debian's Chromium and Firefox ESR on the main thread and in moe-wasm/worker; then Vitest+jsdom,
// Node CJS and tsc fixtures.
// Usage: node tests/consumers/run.mjs [app ...]   (apps: vite webpack rollup esbuild static vitest-jsdom cjs types)
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { launchFirefox } from '../firefox/firefox.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { TYPE_FIXTURES } from './types.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const work = join(repo, 'build/consumers');
const root = join(work, 'root');                 // package.json + node_modules shared by every app
const bin = (name) => join(root, 'node_modules/.bin', name);

// A bundler's build output may hold no warning but webpack's size hints (our .wasm files are over
// its 244 KiB advice, which no package of this kind can avoid).
const WARNING = /warn|critical dependency|externali[sz]ed|deprecat|error/i;
const SIZE_HINT = /^WARNING in (asset size limit|entrypoint size limit|webpack performance recommendations)/;
function badLines(out) {
  const hints = out.split('\n').filter((l) => SIZE_HINT.test(l)).length;
  return out.split('\n').filter((l) => {
    if (!WARNING.test(l) || SIZE_HINT.test(l) || /This can impact web performance/.test(l)) return false;
    const n = /compiled with (\d+) warnings?/.exec(l);
    return !(n && Number(n[1]) === hints && !/error/i.test(l));
  });
}

const APPS = {
  vite: { entry: 'src/main.js', build: [[bin('vite'), ['build']]], serve: 'dist' },
  webpack: { entry: 'src/index.js', build: [[bin('webpack'), ['--mode', 'production']]], serve: '.' },
  rollup: {
    entry: 'src/main.js',
    build: [[bin('rollup'), ['-c']], ['cp', ['-r', 'node_modules/moe-wasm/dist/wasm', 'dist/']]],
    serve: '.',
  },
  esbuild: {
    entry: 'src/main.js',
    // The .wasm files live in a folder of the app's choosing: init({ wasmUrl }) and createTrainer(.., { wasmUrl }).
    build: [[bin('esbuild'), ['src/main.js', 'moe-wasm/worker-host', '--bundle', '--format=esm', '--entry-names=[name]', '--outdir=dist']],
      ['mkdir', ['-p', 'static']], ['cp', ['-r', 'node_modules/moe-wasm/dist/wasm', 'static/moe-wasm']]],
    serve: '.',
  },
  // No bundler: the package's dist/ copied into a static folder, bare names mapped by an import map.
  static: { entry: 'src/main.js', build: [['cp', ['-r', 'node_modules/moe-wasm/dist', 'moe-wasm']]], serve: '.' },
};

function sh(cmd, args, cwd, what) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${what}: \`${cmd} ${args.join(' ')}\` failed (${r.status ?? r.error}):\n${out}`);
  return out;
}

/** npm pack, then the cached install of the bundlers plus a fresh install of the tarball. */
function install() {
  mkdirSync(root, { recursive: true });
  const lock = readFileSync(join(here, 'package-lock.json'));
  const key = createHash('sha256').update(lock).update(readFileSync(join(here, 'package.json'))).digest('hex');
  const stamp = join(root, 'node_modules/.moe-consumers-key');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== key) {
    rmSync(join(root, 'node_modules'), { recursive: true, force: true });
    cpSync(join(here, 'package.json'), join(root, 'package.json'));
    cpSync(join(here, 'package-lock.json'), join(root, 'package-lock.json'));
    console.log('consumers: installing the bundlers (cached until tests/consumers/package-lock.json changes)');
    sh('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], root, 'npm ci');
    writeFileSync(stamp, key);
  }
  for (const f of readdirSync(work)) if (f.endsWith('.tgz')) rmSync(join(work, f));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo, encoding: 'utf8' }))[0];
  const tgz = join(work, packed.filename);
  rmSync(join(root, 'node_modules/moe-wasm'), { recursive: true, force: true });
  sh('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', tgz], root, 'npm install <tarball>');
  return tgz;
}

/** Builds one app; returns the folder to serve. Fails on any bundler warning. */
function buildApp(name) {
  const app = APPS[name];
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(here, 'apps', name), dir, { recursive: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  cpSync(join(here, 'apps/shared/app.js'), join(dir, app.entry));
  // node_modules for the copy commands: the app sits inside root, so resolution walks up to it.
  if (!existsSync(join(dir, 'node_modules'))) execFileSync('ln', ['-s', '../node_modules', join(dir, 'node_modules')]);
  for (const [cmd, args] of app.build) {
    const out = sh(cmd, args, dir, `${name} build`);
    const bad = badLines(out);
    if (bad.length) throw new Error(`${name} build printed warnings:\n${bad.join('\n')}\n--- full output ---\n${out}`);
  }
  return join(dir, app.serve);
}

/**
 * Opens the built app in one browser (Playwright's Chromium or puppeteer's Firefox, whose page APIs
 * agree on what is used here); resolves to its result, failing on console errors / failed requests.
 */
async function runInBrowser(engine, name, folder) {
  // A user's app on a plain static host: the demo site's own CSP headers are not the app's policy
  // (the esbuild and import-map apps use small inline scripts, as many apps do).
  const server = await startServer({ root: folder, port: 0, host: '127.0.0.1', securityHeaders: false });
  const page = await engine.browser.newPage();
  const problems = [];
  // Chromium warnings count too; Firefox also warns about things no page can avoid, so errors only.
  const bad = engine.name === 'chromium' ? ['error', 'warning'] : ['error'];
  page.on('console', (m) => { if (bad.includes(m.type())) problems.push(`console.${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e?.message ?? e}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  const label = `${name} in ${engine.name}`;
  try {
    await page.goto(server.url);
    const ready = () => window.__moe !== undefined;
    if (engine.name === 'chromium') await page.waitForFunction(ready, null, { timeout: 120_000 });
    else await page.waitForFunction(ready, { timeout: 120_000 });
    const state = await page.evaluate(() => window.__moe);
    if (!state.ok) throw new Error(`${label}: the app failed: ${state.error}`);
    const r = state.result;
    if (problems.length) throw new Error(`${label}: ${problems.join('\n')}`);
    if (r.mainEpochs !== 5 || r.workerEpochs !== 5 || !(r.mainAccuracy >= 0.9) || !(r.workerAccuracy >= 0.9) || !r.errorClass) {
      throw new Error(`${label}: unexpected result ${JSON.stringify(r)}`);
    }
    return r;
  } finally {
    await page.close();
    await server.close();
  }
}

/** A CommonJS project: require('moe-wasm') and require('moe-wasm/worker') train in Node; without require(esm) a clear hint. */
function runCjs() {
  const dir = join(root, 'cjs');
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(here, 'cjs'), dir, { recursive: true });
  const r = spawnSync(process.execPath, ['index.cjs'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0 || r.stderr.trim() !== '') throw new Error(`cjs: exit ${r.status}\n${r.stdout}${r.stderr}`);
  const out = JSON.parse(r.stdout);
  if (!(out.accuracy >= 0.9) || out.workerEpochs !== 3) throw new Error(`cjs: unexpected result ${r.stdout}`);
  // A Node without require(esm) (before 20.19, or with it switched off) gets told what to write instead.
  const old = spawnSync(process.execPath, ['--no-experimental-require-module', 'index.cjs'], { cwd: dir, encoding: 'utf8' });
  if (old.status === 0 || !old.stderr.includes("await import('moe-wasm')")) throw new Error(`cjs without require(esm): expected the await import() hint, got exit ${old.status}\n${old.stderr}`);
  return out;
}

/** A Vitest suite with the jsdom environment (window exists, files on disk) trains through the package. */
function runVitestJsdom() {
  const dir = join(root, 'vitest-jsdom');
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(here, 'apps/vitest-jsdom'), dir, { recursive: true });
  const out = sh(bin('vitest'), ['run', '--config', 'vitest.config.mjs'], dir, 'vitest-jsdom');
  if (!/1 passed/.test(out)) throw new Error(`vitest-jsdom: expected 1 passing test:\n${out}`);
}

/** tsc --strict with skipLibCheck false on the package's types, per module resolution. */
function runTypes() {
  for (const fixture of TYPE_FIXTURES) {
    const dir = join(root, `types-${fixture.name}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(fixture.files)) writeFileSync(join(dir, file), text);
    sh(bin('tsc'), ['-p', '.'], dir, `types ${fixture.name}`);
  }
  return TYPE_FIXTURES.map((f) => f.name);
}

const wanted = process.argv.slice(2);
const pick = (n) => wanted.length === 0 || wanted.includes(n);
const started = Date.now();
const tgz = install();
console.log(`consumers: installed ${tgz.slice(repo.length + 1)} (${((Date.now() - started) / 1000).toFixed(0)}s)`);
const browserApps = Object.keys(APPS).filter(pick);
if (browserApps.length) {
  const engines = [
    { name: 'chromium', browser: await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] }) },
    { name: 'firefox', browser: await launchFirefox() },
  ];
  try {
    for (const name of browserApps) {
      const t = Date.now();
      const folder = buildApp(name);
      const seen = [];
      for (const engine of engines) {
        const r = await runInBrowser(engine, name, folder);
        seen.push(`${engine.name}: main acc ${r.mainAccuracy.toFixed(2)}, worker acc ${r.workerAccuracy.toFixed(2)}, simd ${r.simd}`);
      }
      console.log(`consumers: ${name}: the production build trains (${seen.join('; ')}) ${((Date.now() - t) / 1000).toFixed(0)}s`);
    }
  } finally {
    for (const engine of engines) await engine.browser.close();
  }
}
if (pick('vitest-jsdom')) { runVitestJsdom(); console.log('consumers: vitest-jsdom: trains under Vitest with the jsdom environment'); }
if (pick('cjs')) console.log(`consumers: cjs: require('moe-wasm') trains in Node: ${JSON.stringify(runCjs())}`);
if (pick('types')) console.log(`consumers: types: tsc --strict (skipLibCheck false) passes for ${runTypes().join(', ')}`);
