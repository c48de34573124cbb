// The demo site's main flows in Firefox ESR (headless, WebDriver BiDi): one browser for the run, a
// fresh context per test. Every test name starts with "[firefox]" so a failure names the engine.
import { afterAll, beforeAll, describe } from 'vitest';
import { type Env, serve } from './driver';
// @ts-expect-error plain ESM module without type declarations
import { launchFirefox } from './firefox.mjs';
import { cspFlows } from './flows-csp';
import { hostileFlows } from './flows-hostile';
import { keepFlows } from './flows-keep';
import { threadsFlows } from './flows-threads';
import { trainingFlows } from './flows-training';

const env = {} as Env;

describe('[firefox] demo site', () => {
  beforeAll(async () => {
    env.browser = await launchFirefox();
    env.server = await serve();
  });
  afterAll(async () => {
    await env.server?.close();
    await env.browser?.close();
  });
  trainingFlows(env);
  keepFlows(env);
  threadsFlows(env);
  hostileFlows(env);
  cspFlows(env);
});
