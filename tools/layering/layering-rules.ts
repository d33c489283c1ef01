// The layering policy of the repo, as data (like Playwright's DEPS.list): which layer may import
// what, which files count as test code, and which oversized files have a named reason.
// check-layering.ts enforces it; docs/architecture.md quotes it. Paths are repo-relative globs.

/** A forbidden import: a file glob (matched against the resolved file) or a bare module glob. */
export interface Target {
  files?: string[];
  modules?: string[];
}

/** Files matching `from` may not import anything matching `forbid`. */
export interface FolderRule {
  id: string;
  from: string[];
  /** Globs excluded from `from` (e.g. a folder's own tests when the rule is about production). */
  except?: string[];
  forbid: Target;
  why: string;
}

export interface LayeringPolicy {
  /** Which files are scanned. */
  scan: { roots: string[]; extensions: string[]; ignore: string[] };
  /** Files that are tests (may use devDependencies and testing helpers). */
  testFiles: string[];
  /** Test support: may use devDependencies, may import other testing helpers. */
  testingFiles: string[];
  benchFiles: string[];
  /** Folder rules, most specific first: an import breaking several is reported under the first. */
  folderRules: FolderRule[];
  /** Workspace package -> the workspace packages its production code may import ('*' = any package). */
  packageLayers: Record<string, string[]>;
  storeWrites: {
    id: string;
    /** Production files here may only read the store (select, subscribe, getState). */
    from: string[];
    /** Modules that hold a store. */
    storeModules: string[];
    /** A property/export with this name is a store writer. */
    setterName: RegExp;
    why: string;
  };
  maxLines: number;
  /** Files under src/ allowed over maxLines, each with the reason splitting it is wrong. */
  sizeAllowlist: Record<string, string>;
}

const REACT_MODULES = [
  'react',
  'react/**',
  'react-dom',
  'react-dom/**',
  // zustand's root and these subpaths pull in React; model/ may use 'zustand/vanilla' only.
  'zustand',
  'zustand/react',
  'zustand/react/**',
  'zustand/shallow',
  'zustand/traditional',
];

const WEB = 'apps/web/src';

/** The web app's worker: only io/ (and actions/ through io adapters) may talk to it. */
const WORKER_INTERNALS = [
  `${WEB}/io/trace-worker*`,
  `${WEB}/io/worker-client*`,
  `${WEB}/io/worker-protocol*`,
  `${WEB}/io/worker/**`,
  `${WEB}/worker/**`,
];

export const POLICY: LayeringPolicy = {
  scan: {
    roots: ['packages/*/src', 'apps/*/src', 'e2e'],
    extensions: ['.ts', '.tsx', '.mts', '.mjs'],
    ignore: ['**/node_modules/**', '**/dist/**', '**/test-results/**', '**/playwright-report/**'],
  },
  testFiles: ['**/*.test.ts', '**/*.test.tsx', '**/*.spec.ts', '**/*.spec.tsx', 'e2e/**'],
  testingFiles: ['**/src/testing/**'],
  benchFiles: ['**/bench/**', '**/*.bench.ts'],

  folderRules: [
    {
      id: 'package-imports-app',
      from: ['packages/**'],
      forbid: { files: ['apps/**', 'e2e/**'] },
      why: 'packages/* sit below the apps; no package imports an app or the e2e suite',
    },
    {
      id: 'web-model-pure',
      from: [`${WEB}/model/**`],
      forbid: {
        files: [`${WEB}/ui/**`, `${WEB}/io/**`, `${WEB}/actions/**`],
        modules: REACT_MODULES,
      },
      why: 'web model/ is pure derivation: no React, no ui/, io/ or actions/',
    },
    {
      id: 'web-io-not-ui',
      from: [`${WEB}/io/**`],
      forbid: { files: [`${WEB}/ui/**`] },
      why: 'web io/ adapts the outside world and never reaches up into ui/',
    },
    {
      id: 'web-ui-not-worker',
      from: [`${WEB}/ui/**`],
      forbid: { files: WORKER_INTERNALS },
      why: 'web ui/ never talks to the trace worker directly; it calls actions/',
    },
    {
      id: 'web-not-server',
      from: [`${WEB}/**`],
      forbid: { files: ['apps/collector/**', 'packages/sdk/**'] },
      why: 'the web app runs in a browser and never imports server or SDK code',
    },
  ],

  // Data flows one way: trace-schema -> analysis -> importers / exporters / sdk -> collector, web.
  packageLayers: {
    '@causelane/trace-schema': [],
    '@causelane/analysis': ['@causelane/trace-schema'],
    '@causelane/importers': ['@causelane/trace-schema'],
    '@causelane/exporters': ['@causelane/trace-schema', '@causelane/analysis'],
    '@causelane/sdk': ['@causelane/trace-schema', '@causelane/importers'],
    '@causelane/collector': [
      '@causelane/trace-schema',
      '@causelane/analysis',
      '@causelane/importers',
      '@causelane/exporters',
      '@causelane/sdk',
    ],
    '@causelane/web': [
      '@causelane/trace-schema',
      '@causelane/analysis',
      '@causelane/importers',
      '@causelane/exporters',
    ],
    '@causelane/e2e': ['*'],
  },

  storeWrites: {
    id: 'web-ui-no-store-write',
    from: [`${WEB}/ui/**`],
    storeModules: [`${WEB}/**/*-store.ts`, `${WEB}/**/store.ts`, `${WEB}/**/store/**`],
    setterName: /^(setState|(set|put|reset|clear)[A-Z]\w*)$/,
    why: 'only web actions/ write the store; ui/ selects and calls actions',
  },

  maxLines: 300,
  sizeAllowlist: {},
};

/** One line per rule, for messages and docs/architecture.md. */
export const RULE_DESCRIPTIONS: Record<string, string> = {
  ...Object.fromEntries(POLICY.folderRules.map((r) => [r.id, r.why])),
  'package-layers': 'a package imports only the workspace packages below it (see packageLayers)',
  'cross-package-relative': 'a relative import never reaches into another package; import it by name',
  [POLICY.storeWrites.id]: POLICY.storeWrites.why,
  'no-cycles': 'no import cycle between files',
  'declared-dependency': "every imported package is declared in the importer's package.json",
  'dev-dependency-in-production': 'production code imports only dependencies, not devDependencies',
  'no-testing-in-production': 'production code never imports a testing subpath or a src/testing/ file',
  'file-size': `a file under src/ stays within ${POLICY.maxLines} lines unless sizeAllowlist names why`,
  'stale-allowlist': 'every sizeAllowlist entry names an existing file that is still over the limit',
  'unresolved-import': 'every relative or workspace import resolves to a file',
};
