// Registers the service worker (sw.js, generated at build time) that caches the built site so it
// reloads and trains offline after the first visit. Production builds only; failures are harmless.
if (import.meta.env.PROD && 'serviceWorker' in navigator && window.isSecureContext) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch((err: unknown) => {
      console.warn('service worker not registered:', err);
    });
  });
}
