// Launches Debian's Firefox ESR headless through WebDriver BiDi (puppeteer-core; Playwright's Firefox
// needs a patched build we cannot download). A fresh temporary profile per launch, and prefs that keep
// Firefox off the network: only 127.0.0.1 is reachable, every background service is switched off.
// Plain ESM so the Vitest layer and plain Node scripts (e.g. the consumer apps' runner) share it.
import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

// Added to the test prefs puppeteer writes into the profile (which already stub update, Normandy,
// health report, safebrowsing lists and the blocklist). Any connection that still tries to leave
// goes to a dead proxy on 127.0.0.1:9; 127.0.0.1 itself is never proxied.
const OFFLINE_PREFS = {
  'app.update.enabled': false,
  'app.update.auto': false,
  'app.update.staging.enabled': false,
  'app.normandy.enabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.archive.enabled': false,
  'toolkit.telemetry.server': '',
  'datareporting.usage.uploadEnabled': false,
  'browser.ping-centre.telemetry': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.predictor.enabled': false,
  'network.trr.mode': 5,
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.safebrowsing.update.enabled': false,
  'services.settings.poll_interval': 86400 * 365,
  'services.settings.server': 'http://127.0.0.1:9/remote-settings',
  'extensions.systemAddon.update.enabled': false,
  'extensions.blocklist.enabled': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'browser.topsites.contile.enabled': false,
  'browser.newtabpage.activity-stream.feeds.telemetry': false,
  'browser.aboutHomeSnippets.updateUrl': '',
  'messaging-system.rsexperimentloader.enabled': false,
  'geo.enabled': false,
  'media.gmp-gmpopenh264.enabled': false,
  'media.eme.enabled': false,
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1',
  'network.proxy.http_port': 9,
  'network.proxy.ssl': '127.0.0.1',
  'network.proxy.ssl_port': 9,
  'network.proxy.no_proxies_on': '127.0.0.1',
  'network.proxy.allow_hijacking_localhost': false,
  // Downloads land in the folder the test's browser context names, without a dialog.
  'browser.download.always_ask_before_handling_new_types': false,
  'browser.download.manager.showWhenStarting': false,
};

/** @returns {Promise<import('puppeteer-core').Browser>} headless Firefox ESR with a fresh temporary profile */
export async function launchFirefox() {
  if (!existsSync(FIREFOX_PATH)) {
    throw new Error(`[firefox] ${FIREFOX_PATH} not found (bash scripts/bootstrap.sh installs Debian's firefox-esr)`);
  }
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: OFFLINE_PREFS,
    // Two busy cores: a slow first paint or start-up is not a failure.
    protocolTimeout: 120_000,
    timeout: 120_000,
  });
}
