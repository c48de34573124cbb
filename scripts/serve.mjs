// A tiny static file server for the built demo site (dist/site): correct MIME types (incl.
// application/wasm), no caching surprises, optional sub-path prefix. Not a general web server.
// CLI: node scripts/serve.mjs [root=dist/site] [--port 8080] [--host 127.0.0.1] [--prefix /moe/]
import { createServer } from 'node:http';
import { stat, readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSP_HEADER, ISOLATION_HEADERS } from '../web/csp.mjs';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.moe': 'application/octet-stream',
};

// Sent with every response, so the policy also covers the workers and sw.js (a <meta> tag reaches
// neither) and forbids framing the page (which <meta> cannot express); COOP + COEP make the page
// cross-origin isolated (the threaded build's SharedArrayBuffer).
const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP_HEADER,
  ...ISOLATION_HEADERS,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * Serves files under `root` at `prefix` (default '/'). Resolves to { server, url, close() }.
 * port 0 picks a free port. `securityHeaders: false` imitates a bare static host (tests: the service-worker path, consumer apps);
 * `csp: false` keeps the other headers (cross-origin isolation) without the site's CSP (the bench page runs TF.js, which evals).
 */
export async function startServer({ root = 'dist/site', port = 8080, host = '127.0.0.1', prefix = '/', securityHeaders = true, csp = true } = {}) {
  const rootDir = resolve(root);
  if (!prefix.startsWith('/')) prefix = '/' + prefix;
  if (!prefix.endsWith('/')) prefix += '/';

  const server = createServer(async (req, res) => {
    if (securityHeaders) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (csp || name !== 'Content-Security-Policy') res.setHeader(name, value);
    }
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      let path;
      try {
        path = decodeURIComponent((req.url ?? '/').split(/[?#]/)[0]).replace(/\/{2,}/g, '/');
      } catch {
        res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('bad request\n');
        return;
      }
      if (!path.startsWith('/') || path.includes('\0')) return notFound(res);
      if (path + '/' === prefix) {
        res.writeHead(301, { Location: prefix }).end();
        return;
      }
      if (!path.startsWith(prefix)) return notFound(res);
      path = path.slice(prefix.length);
      let file = resolve(rootDir, '.' + sep + path);
      if (file !== rootDir && !file.startsWith(rootDir + sep)) return notFound(res);
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return notFound(res);
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('internal error\n');
      console.error('serve:', err);
    }
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const addr = server.address();
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${addr.port}${prefix}`;
  const close = () =>
    new Promise((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  return { server, url, close };
}

function notFound(res) {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opts = { root: 'dist/site', port: Number(process.env.PORT ?? 8080), host: '127.0.0.1', prefix: '/' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--port') opts.port = Number(args[++i]);
    else if (a === '--host') opts.host = args[++i];
    else if (a === '--prefix') opts.prefix = args[++i];
    else if (a.startsWith('--')) {
      console.error(`serve: unknown option ${a}`);
      process.exit(2);
    } else opts.root = a;
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    console.error(`serve: bad port ${opts.port}`);
    process.exit(2);
  }
  startServer(opts).then(
    ({ url }) => console.log(`serving ${opts.root} at ${url}`),
    (err) => {
      console.error(`serve: cannot listen on ${opts.host}:${opts.port}: ${err.message}`);
      process.exit(1);
    },
  );
}
