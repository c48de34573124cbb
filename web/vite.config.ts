// Vite build of the demo site (web/ -> dist/site/). The page imports the package by name
// ('moe-wasm', 'moe-wasm/worker'): this config maps those names onto the repo's own package.json
// "exports" (the built dist/), exactly what an installed copy would resolve to. Also writes sw.js.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, defineConfig, type Plugin } from 'vite';

const webDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(webDir, '..');
const outDir = resolve(repoDir, 'dist/site');

type Exports = string | { [condition: string]: Exports } | null | undefined;

/** Follows package.json "exports" conditions the way a browser bundler does. */
function pick(entry: Exports): string | null {
  if (typeof entry === 'string') return entry;
  if (!entry || typeof entry !== 'object') return null;
  for (const cond of ['browser', 'import', 'module', 'default']) {
    const hit = pick(entry[cond]);
    if (hit) return hit;
  }
  return null;
}

/**
 * 'moe-wasm' and 'moe-wasm/worker' -> files of this repo's package, via its package.json "exports".
 * MOE_WASM_ROOT points the exports at another copy of the built package (a folder holding dist/).
 */
function packageAliases(): { find: RegExp; replacement: string }[] {
  const pkg = JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8'));
  const exportsField = (pkg.exports ?? {}) as Record<string, Exports>;
  const root = resolve(process.env.MOE_WASM_ROOT || repoDir);
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const [sub, name] of [['.', 'moe-wasm'], ['./worker', 'moe-wasm/worker']] as const) {
    const rel = pick(exportsField[sub]);
    const target = rel ? resolve(root, rel) : null;
    if (target && existsSync(target)) {
      aliases.push({ find: new RegExp(`^${name.replace('/', '\\/')}$`), replacement: target });
    } else if (sub === '.') {
      throw new Error(`moe-wasm resolves to ${target ?? '(no "exports" ".")'}, which does not exist: build the package first (bash scripts/build.sh).`);
    }
  }
  return aliases;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

/** After the build: writes dist/site/sw.js from web/sw.js with the list of built files and a content hash. */
function serviceWorker(): Plugin {
  return {
    name: 'moe-site-service-worker',
    apply: 'build',
    closeBundle() {
      const files = listFiles(outDir)
        .map((f) => relative(outDir, f).split('\\').join('/'))
        .filter((f) => f !== 'sw.js' && !f.endsWith('.map'))
        .sort();
      const hash = createHash('sha256');
      for (const f of files) hash.update(f).update(readFileSync(join(outDir, f)));
      const precache = ['./', ...files.map((f) => `./${f}`)];
      const template = readFileSync(join(webDir, 'sw.js'), 'utf8');
      const out = template
        .replace('__VERSION__', hash.digest('hex').slice(0, 16))
        .replace('__PRECACHE__', JSON.stringify(precache, null, 2));
      writeFileSync(join(outDir, 'sw.js'), out);
    },
  };
}

/** Emscripten's glue has Node-only branches (fs, path) that never run in a browser; Vite stubs them out. */
const logger = createLogger();
const warn = logger.warn.bind(logger);
logger.warn = (msg, opts) => {
  if (/externalized for browser compatibility, imported by ".*moe-(simd|base)\.js"/.test(msg)) return;
  warn(msg, opts);
};

/** `vite dev` only: its HMR socket and injected <style> tags need a looser CSP than the build. */
function devCsp(): Plugin {
  return {
    name: 'moe-site-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws: wss:"),
  };
}

export default defineConfig({
  customLogger: logger,
  root: webDir,
  base: './',
  publicDir: resolve(webDir, 'public'),
  resolve: { alias: packageAliases() },
  worker: { format: 'es' },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  plugins: [serviceWorker(), devCsp()],
});
