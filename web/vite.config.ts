// Vite build of the demo site (web/ -> dist/site/) with Vite's defaults for resolution and workers:
// the page imports 'moe-wasm' as a dependency (web/package.json, linked by scripts/build-site.sh),
// like any app would. Also writes sw.js.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { CSP_HEADER, CSP_META, ISOLATION_HEADERS } from './csp.mjs';

const webDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(webDir, '..');
const outDir = resolve(repoDir, 'dist/site');

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
        .replace('__PRECACHE__', JSON.stringify(precache, null, 2))
        .replace('__CSP__', JSON.stringify(CSP_HEADER))
        .replace('__ISOLATION__', JSON.stringify(ISOLATION_HEADERS));
      writeFileSync(join(outDir, 'sw.js'), out);
    },
  };
}

/** The policy of web/csp.mjs into index.html's <meta>; `vite dev` loosens it for its HMR socket and <style> tags. */
function csp(): Plugin {
  return {
    name: 'moe-site-csp',
    transformIndexHtml: (html, ctx) => {
      let policy = CSP_META;
      if (ctx.server) policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws: wss:");
      return html.replace('__CSP__', policy);
    },
  };
}

export default defineConfig({
  root: webDir,
  base: './',
  publicDir: resolve(webDir, 'public'),
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  plugins: [serviceWorker(), csp()],
});
