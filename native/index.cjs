// Loads the compiled addon. Kept tiny on purpose: the typed interface, the reasons a load
// can fail and what to do then live in src-main/capture/integrity/native-loader.ts.
module.exports = require('./build/Release/vigil_native.node');
