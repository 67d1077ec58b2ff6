// Runs before `npm start` and `npm test` (package.json pre-scripts), on whatever Node runs npm.
// Plain JavaScript on purpose: its job is to explain, in one sentence, what a TypeScript entry
// point would only answer with ERR_UNKNOWN_FILE_EXTENSION on an older Node.
const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  console.error(
    [
      `coffer: this is Node ${process.versions.node}; Coffer runs on Node ${REQUIRED_MAJOR}.`,
      `  npm scripts use the Node ${REQUIRED_MAJOR} that \`npm ci\` installs into node_modules (the \`node\` package),`,
      '  and it is not there. Run `npm ci` again (not with --ignore-scripts, which skips that install),',
      `  or put a Node ${REQUIRED_MAJOR} first in PATH.`,
    ].join('\n'),
  );
  process.exit(1);
}
