// The actions this repository ships (scripts/actions.json), one entry each, over the shared core
// in src/core/. This list drives everything that builds or checks an action: `npm run bundle`
// (scripts/bundle.ts), the test bundle (__tests__/helpers/build-test-bundle.ts), the bundle tests, scripts/run-action.ts,
// `npm run lint:actions` and the README checks. A second action is one more entry in the JSON:
//
//   { name: 'regards', actionYml: 'regards/action.yml', readme: 'regards/README.md',
//     entry: 'src/regards-action.ts', dist: 'dist/regards' }
//
// with its code in src/regards/ and its action.yml's `main` pointing at `<dist>/index.js`.

import { readFileSync } from 'node:fs'

export interface ActionEntry {
  /** Names the action in logs, and its test bundle folder (.tmp/test-bundle/<name>/). */
  name: string
  /** Its action.yml, relative to the repository root. */
  actionYml: string
  /** The README that documents its inputs and outputs. */
  readme: string
  /** The TypeScript entry ncc bundles. */
  entry: string
  /** The folder its bundle goes to; action.yml's `main` is `<dist>/index.js`. */
  dist: string
}

interface ActionList {
  /** ncc's flags for every bundle, `npm run bundle`'s and the test bundle's alike. */
  nccFlags: string[]
  actions: ActionEntry[]
}

// JSON, so that jest's globalSetup (which cannot import TypeScript modules) reads the same list.
const LIST = JSON.parse(
  readFileSync(new URL('./actions.json', import.meta.url), 'utf8')
) as ActionList

export const ACTIONS: readonly ActionEntry[] = LIST.actions

/** The entry of the action called `name`; throws for a name that is not in the list. */
export function actionNamed(name: string): ActionEntry {
  const found = ACTIONS.find(action => action.name === name)
  if (!found) throw new Error(`No action ${name} in scripts/actions.ts`)
  return found
}

/** ncc's arguments for one entry, the same for `npm run bundle` and the test bundle. */
export function nccArguments(entry: string, outDir: string, extra: string[] = []): string[] {
  return ['build', entry, '-o', outDir, ...LIST.nccFlags, ...extra]
}
