/** Enforces the dependency directions of DESIGN.md §2 and forbids import cycles. */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'broker-is-standalone',
      comment: 'The broker knows nothing of the Connect runtime or the connectors.',
      severity: 'error',
      from: { path: '^broker/' },
      to: { path: '^(connect-runtime|connectors|bin|test)/' },
    },
    {
      name: 'connectors-use-only-the-public-api',
      severity: 'error',
      from: { path: '^connectors/' },
      to: { path: '^(broker|bin|test)/|^connect-runtime/(?!api/)' },
    },
    {
      name: 'runtime-uses-broker-client-and-protocol-only',
      severity: 'error',
      from: { path: '^connect-runtime/' },
      to: { path: '^(connectors|bin|test)/|^broker/(?!client/|protocol/)' },
    },
    {
      name: 'connector-api-is-self-contained',
      severity: 'error',
      from: { path: '^connect-runtime/api/' },
      to: { path: '^(broker|connectors|bin)/|^connect-runtime/(?!api/)' },
    },
    {
      name: 'nothing-imports-bin-or-test',
      severity: 'error',
      from: { pathNot: '^(bin|test|bench)/' },
      to: { path: '^(bin|test|bench)/' },
    },
  ],
  options: {
    // Source folders only; folders that do not exist yet simply contribute nothing.
    includeOnly: '^(broker|connect-runtime|connectors|bin|test|bench)/',
    exclude: { path: '^(dist|node_modules)/' },
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
