// `node scripts/electronegativity-scan.cjs INPUT ELECTRON_VERSION`: runs Electronegativity's
// own runner (the function its CLI calls) on INPUT, offline, and prints one marked JSON line
// with its findings and its parse errors. Its CLI hides parse errors when it writes a report
// file and exits 0 whatever it finds; scripts/security-gate.mjs reads this line instead.
require('./electronegativity-offline.cjs');
const run = require('@doyensec/electronegativity');

const [input, electronVersion] = process.argv.slice(2);
if (!input || !electronVersion) {
  console.error('usage: node scripts/electronegativity-scan.cjs INPUT ELECTRON_VERSION');
  process.exit(2);
}

run(
  {
    input,
    isRelative: true,
    isVerbose: false,
    electronVersionOverride: electronVersion,
    // Downloads Electron's release list; see scripts/security-gate.mjs.
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    customScan: [],
    parserPlugins: [],
  },
  false,
).then(
  (result) => {
    const issues = result.issues.map((i) => ({
      check: i.id,
      file: i.file,
      line: i.location?.line ?? 0,
      severity: i.severity?.name ?? 'UNKNOWN',
      confidence: i.confidence?.name ?? 'UNKNOWN',
      description: i.description,
    }));
    const errors = result.errors.map((e) => ({ file: e.file, message: e.message, tolerable: e.tolerable === true }));
    process.stdout.write(`\n@@electronegativity@@${JSON.stringify({ issues, errors })}\n`);
  },
  (error) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);
