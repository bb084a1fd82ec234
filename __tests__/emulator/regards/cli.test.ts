// `npm run emulator:regards`: a process whose --fault flags script its faults.
import { describe, expect, it } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PRODUCTS, SEED_PRODUCTS } from '../../../emulator/regards/index.js'
import { send } from '../http-client.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

function startCli(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/regards/cli.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (output += text))
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (output += text))
  return { child, output: () => output }
}

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

describe('npm run emulator:regards', () => {
  it('serves the demo project with the scripted faults, once each', async () => {
    const { child, output } = startCli(['--port', '0', '--fault', 'download:html-page'])
    try {
      const url = await listeningUrl(child, output)
      expect(output()).toContain(PRODUCTS.online)
      const raw = SEED_PRODUCTS[0].files[0]
      const download = `${url}/api/v1/rs-catalog/downloads/${PRODUCTS.online}/files/${raw.checksum}?scope=demo`
      const rejected = await send(download)
      expect(rejected.body.toString()).toContain('Request Rejected')
      const file = await send(download)
      expect([file.status, file.body.length]).toEqual([200, 65_659])
    } finally {
      child.kill('SIGTERM')
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
    }
  })

  it('refuses a fault it cannot read, before listening', async () => {
    const { child, output } = startCli(['--port', '0', '--fault', 'download:wrong-bytes=x'])
    const [code] = await once(child, 'exit')
    expect(code).toBe(2)
    expect(output()).toContain('--fault: offset must be a whole number')
    expect(output()).toContain('Usage: npm run emulator:regards')
    expect(output()).not.toContain('listening on')
  })
})
