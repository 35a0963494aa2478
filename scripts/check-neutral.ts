// Bundles createApp (src/app.ts) and the Workers entry (or the files given as arguments) the way a
// Web-standard runtime (Cloudflare Workers, Deno, a browser) would, and fails, naming the importing file,
// when the graph reaches a Node builtin, a native addon or Node's globals.
// Runs in CI right after the typecheck: `npm run check:neutral` (docs/development.md, "Runtime neutrality").
import { builtinModules } from 'node:module'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const root = path.resolve(import.meta.dirname, '..')
const builtins = new Set(builtinModules.filter((name) => !name.startsWith('_')))
const nodeGlobals = ['process', 'Buffer', '__dirname', '__filename', 'require', 'global', 'setImmediate']
const isOwnSource = (file: string): boolean => file.startsWith(root + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`)

/** `node:fs`, `fs`, `fs/promises`: anything a Web-standard runtime does not have. */
function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true
  return builtins.has(specifier) || builtins.has(specifier.split('/')[0] ?? specifier)
}

const relative = (file: string): string => path.relative(root, file) || file

/** A plugin that lets the bundle finish but notes every Node builtin import and every Node global read. */
function nodeGuard(problems: string[], allowed: Allowance = () => false): esbuild.Plugin {
  return {
    name: 'node-guard',
    setup(build) {
      // Native addons are often reached through a computed require(), which onResolve does not see.
      build.onLoad({ filter: /\.node$/ }, (args) => {
        problems.push(`${relative(args.path)} is a native Node addon`)
        return { contents: '', loader: 'empty' }
      })
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point' || !isNodeBuiltin(args.path)) return undefined
        if (allowed(relative(args.importer), args.path)) return { path: args.path, external: true }
        problems.push(`${relative(args.importer)} imports the Node module '${args.path}'`)
        return { path: args.path, external: true }
      })
      // Our own files only: libraries may probe `typeof process` behind a guard, which is harmless.
      build.onLoad({ filter: /\.(ts|tsx|js|mjs)$/ }, async (args) => {
        if (!isOwnSource(args.path)) return undefined
        for (const name of await nodeGlobalsUsedIn(args.path)) problems.push(`${relative(args.path)} uses Node's global '${name}'`)
        return undefined
      })
    },
  }
}

/**
 * esbuild's `define` replaces only free references to a global (not strings, comments, properties or
 * local bindings), so a marker in the output means the file really reads that Node global.
 */
async function nodeGlobalsUsedIn(file: string): Promise<string[]> {
  const source = await readFile(file, 'utf8')
  const define = Object.fromEntries(nodeGlobals.map((name) => [name, `__node_global_${name}__`]))
  const { code } = await esbuild.transform(source, {
    loader: file.endsWith('x') ? 'tsx' : 'ts',
    define,
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    legalComments: 'none',
  })
  return nodeGlobals.filter((name) => code.includes(`__node_global_${name}__`))
}

/** Whether a Node module imported by this file is one the entry's runtime provides. */
type Allowance = (importer: string, specifier: string) => boolean

/**
 * The Workers entry runs with nodejs_compat, which provides what the pg driver needs (Cloudflare's way to
 * PostgreSQL through Hyperdrive) and AsyncLocalStorage; those two uses are allowed there, nothing else.
 * `npm run build:worker` then bundles it the way Cloudflare does and fails on a module workerd lacks.
 */
const pgDriver = /^node_modules\/(pg|pg-[a-z-]+|pgpass|split2)\//
const allowances: Record<string, Allowance> = {
  'src/entry/worker.ts': (importer, specifier) =>
    pgDriver.test(importer) || (importer === 'src/platform/workers/request-sql.ts' && specifier === 'node:async_hooks'),
}

/** Bundles `export * from entry` for a Web-standard runtime; returns one line per Node use, naming its file. */
export async function nodeUsesOf(entry: string): Promise<string[]> {
  const problems: string[] = []
  await esbuild.build({
    stdin: {
      contents: `export * from './${relative(path.resolve(root, entry)).split(path.sep).join('/')}'`,
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'check-neutral-entry.ts',
    },
    bundle: true,
    write: false,
    platform: 'neutral',
    format: 'esm',
    target: 'es2022',
    mainFields: ['browser', 'module', 'main'],
    conditions: ['workerd', 'worker', 'browser', 'import', 'default'],
    logLevel: 'silent',
    plugins: [nodeGuard(problems, allowances[relative(path.resolve(root, entry))])],
  })
  return [...new Set(problems)].sort()
}

// The core (createApp) and the Workers entry that serves it; arguments name other modules to check.
const defaultEntries = ['src/app.ts', 'src/entry/worker.ts']

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entries = process.argv.length > 2 ? process.argv.slice(2) : defaultEntries
  let failed = false
  for (const entry of entries) {
    const problems = await nodeUsesOf(entry)
    if (problems.length === 0) {
      console.log(`check:neutral: ${entry} bundles for a Web-standard runtime without Node builtins or globals.`)
      continue
    }
    failed = true
    console.error(`check:neutral: the graph of ${entry} is not runtime-neutral:\n${problems.map((line) => `  - ${line}`).join('\n')}`)
  }
  if (failed) {
    console.error('Move the Node-only piece to src/platform/node/ behind an interface injected through Deps (src/deps.ts).')
    process.exit(1)
  }
}
