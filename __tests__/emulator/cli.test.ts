// `npm run emulator` as a contributor runs it: a process whose --fault flags script its faults.
import { describe, expect, it } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { SEED } from '../../emulator/index.js'
import { FULL_KEY, send } from './http-client.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

function startCli(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (output += text))
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (output += text))
  return { child, output: () => output }
}

/** The URL of its "listening on" line; rejects when the process ends before printing it. */
function listeningUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = (): void => {
      const found = /listening on (http:\/\/\S+)/.exec(output())
      if (found) resolve(found[1])
    }
    child.stdout?.on('data', look)
    child.once('exit', code => reject(new Error(`exited with ${code}:\n${output()}`)))
  })
}

describe('npm run emulator -- --fault', () => {
  it('serves the scripted faults, once each, then normal answers', async () => {
    const { child, output } = startCli([
      '--port',
      '0',
      '--no-rate-limit',
      '--fault',
      'download:status=429:retry-after=5',
      '--fault',
      '{"type":"status","status":503,"match":"versions"}'
    ])
    try {
      const url = await listeningUrl(child, output)
      expect(output()).toContain('Scripted faults')
      const download = `${url}/api/key-catalog/v2-0/${SEED.appItemId}/versions/1.0.0.10/download`
      const versions = `${url}/api/key-catalog/v2-0/catalogs/${SEED.appItemId}/versions`

      const limited = await send(download, { headers: FULL_KEY })
      expect([limited.status, limited.headers['retry-after']]).toEqual([429, '5'])
      expect((await send(download, { headers: FULL_KEY })).status).toBe(200)
      expect((await send(versions, { headers: FULL_KEY })).status).toBe(503)
      expect((await send(versions, { headers: FULL_KEY })).status).toBe(200)
    } finally {
      child.kill('SIGTERM')
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
    }
  })

  it('refuses a fault it cannot read, naming it, before listening', async () => {
    const { child, output } = startCli(['--port', '0', '--fault', 'download:status=4O4'])
    const [code] = await once(child, 'exit')
    expect(code).toBe(2)
    expect(output()).toContain(`--fault: status must be a whole number, got "4O4"`)
    expect(output()).toContain('Usage: npm run emulator')
    expect(output()).not.toContain('listening on')
  })
})
