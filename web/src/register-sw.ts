// Registers the service worker (sw.js, generated at build time) that caches the built site so it
// reloads and trains offline after the first visit. Production builds only; failures are harmless.
// (An explicit call, not a side-effect import: the repo's package.json says "sideEffects": false.)
const RELOADED_KEY = 'moe-isolation-reload';

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  const register = () =>
    navigator.serviceWorker.register('./sw.js').catch((err: unknown) => {
      console.warn('service worker not registered:', err);
    });
  // A host that sends no COOP/COEP: once the worker (which adds them) takes control, reload once so
  // the page comes through it cross-origin isolated and trains on every core. Once per tab session.
  if (!window.crossOriginIsolated) {
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (sessionStorage.getItem(RELOADED_KEY)) return;
      sessionStorage.setItem(RELOADED_KEY, '1');
      location.reload();
    });
  }
  if (document.readyState === 'complete') void register();
  else window.addEventListener('load', () => void register(), { once: true });
}
