// Registers the service worker (sw.js, generated at build time) that caches the built site so it
// reloads and trains offline after the first visit. Production builds only; failures are harmless.
// (An explicit call, not a side-effect import: the repo's package.json says "sideEffects": false.)
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  const register = () =>
    navigator.serviceWorker.register('./sw.js').catch((err: unknown) => {
      console.warn('service worker not registered:', err);
    });
  if (document.readyState === 'complete') void register();
  else window.addEventListener('load', () => void register(), { once: true });
}
