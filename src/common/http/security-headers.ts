import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * helmet, with a Content-Security-Policy that Swagger UI can live with on any host.
 *
 * Swagger UI (`/api/docs`) loads its scripts and styles from this server (`script-src 'self'`;
 * its page has inline `<style>` blocks, allowed by helmet's default `style-src … 'unsafe-inline'`)
 * and its try-it-out calls go to the same origin (`connect-src 'self'`). What broke it was
 * helmet's default `upgrade-insecure-requests`: on a page served over plain HTTP from any host
 * but localhost, the browser rewrites every asset URL to https and the page stays blank.
 *
 * The directive is therefore decided **per request**: sent (with HSTS) when the request came
 * over HTTPS — directly, or through a proxy that says so in `X-Forwarded-Proto` when
 * TRUST_PROXY=true (Express's `req.secure`) — and left out over plain HTTP, where it can only
 * break the page (and a browser ignores HSTS over HTTP anyway). Per request rather than by a
 * setting, so the same instance works behind a TLS proxy and on a plain-HTTP evaluation host
 * without anyone having to get a variable right.
 */
export function securityHeaders(): RequestHandler {
  const defaults = helmet.contentSecurityPolicy.getDefaultDirectives();
  const directives = (upgrade: boolean) => ({
    ...defaults,
    'connect-src': ["'self'"],
    'upgrade-insecure-requests': upgrade ? [] : null,
  });
  const overHttps = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: directives(true) },
  });
  const overHttp = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: directives(false) },
    strictTransportSecurity: false,
  });
  return (req: Request, res: Response, next: NextFunction) =>
    (req.secure ? overHttps : overHttp)(req, res, next);
}

/** Swagger UI's own static files (scripts, styles, icons): the only responses a cache may keep. */
const SWAGGER_ASSET = /^\/api\/docs\/[^/]+\.(js|css|png|map)$/;

/**
 * `Cache-Control: no-store` on every response of the API — each authenticated one carries case
 * data, audit data or tokens that no browser or proxy cache may keep (DESIGN.md §3: personal data
 * stays where the access checks are). Set before the route runs, so error responses carry it
 * too. Swagger UI's static assets hold nothing personal and are left cacheable — except
 * `swagger-ui-init.js`, which embeds the document.
 */
export function noStore(req: Request, res: Response, next: NextFunction): void {
  if (!SWAGGER_ASSET.test(req.path) || req.path.endsWith('swagger-ui-init.js'))
    res.setHeader('Cache-Control', 'no-store');
  next();
}

/** The CORS settings for an allow-list (exact origins); null when the list is empty (no CORS). */
export function corsOptions(origins: readonly string[]) {
  if (origins.length === 0) return null;
  const allowed = new Set(origins);
  return {
    origin: (origin: string | undefined, cb: (err: Error | null, allow?: boolean) => void) =>
      cb(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'X-Server-Request-Id', 'Content-Disposition', 'Retry-After'],
    // Bearer tokens, not cookies: the browser never needs to send credentials on its own.
    credentials: false,
    maxAge: 600,
  };
}
