// `npm run bundle`: removes dist/ once, then builds every action of scripts/actions.ts into its
// own folder with ncc. dist/ is committed, and CI checks it is what this builds.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ACTIONS, nccArguments } from './actions.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js')

rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true })
for (const action of ACTIONS) {
  console.log(`== ${action.name}: ${action.entry} -> ${action.dist}/index.js`)
  execFileSync(
    process.execPath,
    [ncc, ...nccArguments(action.entry, action.dist, ['--license', 'licenses.txt'])],
    { cwd: ROOT, stdio: 'inherit' }
  )
}
