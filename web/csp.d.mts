// Types of web/csp.mjs (the site's Content-Security-Policy, shared by the build, the server and tests).
export declare const CSP_META: string;
export declare const CSP_HEADER: string;
export declare const ISOLATION_HEADERS: Record<string, string>;
