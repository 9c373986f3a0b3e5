// Preloaded into Electronegativity by scripts/security-gate.mjs. The scan itself needs no
// network, but the tool fetches translations (and, in a check we skip, Electron's release
// list) with `got`, retrying with back-off: offline that costs about ten seconds a run and
// online it makes the gate depend on a third-party bucket. Every `got` call fails at once
// instead; the tool then falls back to its bundled English texts, as it does offline.
const Module = require('node:module');

const refuse = () => Promise.reject(new Error('offline: the Vigil security gate scans without network'));
const offlineGot = Object.assign(refuse, { get: refuse, head: refuse, default: refuse });
const load = Module._load;
Module._load = function loadWithoutNetwork(request, ...rest) {
  return request === 'got' ? offlineGot : load.call(this, request, ...rest);
};
