// `npm run emulator:regards`: runs the REGARDS emulator with its demo project until SIGINT or
// SIGTERM. (`npm run emulator` still runs the Catalog emulator.)
import { parseArgs } from 'node:util'
import { contentSize } from './content.js'
import { FaultArgError, parseRegardsFaultArg, regardsFaultHelp } from './fault-args.js'
import type { RegardsFault } from './faults.js'
import {
  DEMO_CLIENT,
  DEMO_TENANT,
  ROLE_ORDER,
  SEED_PRODUCTS,
  SEED_USERS,
  type Role
} from './seed.js'
import {
  startRegardsEmulator,
  type RegardsEmulator,
  type RegardsEmulatorOptions
} from './server.js'

const USAGE = `Usage: npm run emulator:regards -- [options]

  --port N                  port of the gateway (default 8090; 0 picks a free one)
  --host H                  address to listen on (default 127.0.0.1)
  --path-prefix P           serve the gateway under this path, e.g. /regards (default none)
  --tenant T                the project, sent as scope (default ${DEMO_TENANT})
  --client ID:SECRET        the OAuth client of the token route (default ${DEMO_CLIENT})
  --token-lifetime S        expires_in of issued tokens, in seconds (default 7200)
  --restore-delay S         seconds a restore takes (default 10)
  --restore-role R          role availability and restore need (default EXPLOIT)
  --no-license              the project has no licence: nothing answers 423
  --maintenance             every non-GET request answers 515
  --strict-token-body       a form-urlencoded token request answers 415
  --fault F                 script a fault (repeatable; see below)
  -h, --help                show this help

${regardsFaultHelp()}`

class UsageError extends Error {}

type CliOptions = RegardsEmulatorOptions & { faults: RegardsFault[] }

function parseCliOptions(args: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string', default: '8090' },
      host: { type: 'string', default: '127.0.0.1' },
      'path-prefix': { type: 'string', default: '' },
      tenant: { type: 'string', default: DEMO_TENANT },
      client: { type: 'string', default: DEMO_CLIENT },
      'token-lifetime': { type: 'string', default: '7200' },
      'restore-delay': { type: 'string', default: '10' },
      'restore-role': { type: 'string', default: 'EXPLOIT' },
      'no-license': { type: 'boolean', default: false },
      maintenance: { type: 'boolean', default: false },
      'strict-token-body': { type: 'boolean', default: false },
      fault: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) return 'help'
  const role = values['restore-role']
  if (!(ROLE_ORDER as string[]).includes(role)) {
    throw new UsageError(`--restore-role must be one of ${ROLE_ORDER.join(', ')}, got '${role}'`)
  }
  return {
    host: values.host,
    port: number('--port', values.port, true),
    pathPrefix: values['path-prefix'],
    tenant: values.tenant,
    client: values.client,
    tokenLifetimeSeconds: number('--token-lifetime', values['token-lifetime'], true),
    restoreDelayMs: number('--restore-delay', values['restore-delay'], false) * 1000,
    restoreRole: role as Role,
    licenseLink: values['no-license'] ? null : undefined,
    maintenance: values.maintenance,
    strictTokenBody: values['strict-token-body'],
    faults: values.fault.flatMap(text => {
      try {
        return parseRegardsFaultArg(text)
      } catch (error) {
        if (error instanceof FaultArgError) throw new UsageError(`--fault: ${error.message}`)
        throw error
      }
    })
  }
}

function number(flag: string, text: string, integer: boolean): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${flag} must be a number of at least 0, got '${text}'`)
  }
  if (integer && !Number.isInteger(value)) {
    throw new UsageError(`${flag} must be a whole number, got '${text}'`)
  }
  return value
}

function describe(emulator: RegardsEmulator, options: CliOptions): string {
  const lines = [
    `REGARDS emulator (project '${emulator.tenant}') listening on ${emulator.url}`,
    `Second host (reference files, redirect targets): ${emulator.secondUrl}`,
    `Tokens last ${emulator.settings.tokenLifetimeSeconds} s; a restore takes ` +
      `${emulator.settings.restoreDelayMs / 1000} s and needs ${emulator.settings.restoreRole}`
  ]
  if (options.faults.length > 0) {
    lines.push('', 'Scripted faults, each used once by the first request whose route matches:')
    for (const fault of options.faults) lines.push(`  ${JSON.stringify(fault)}`)
  }
  lines.push('', `Accounts (password grant, client ${options.client}):`)
  for (const user of SEED_USERS) {
    const limits = `quota ${user.maxQuota ?? -1}, rate ${user.rateLimit ?? -1}`
    const refused = user.refusal ? `, refused: ${user.refusal}` : ''
    lines.push(
      `  ${user.email.padEnd(24)} ${user.password.padEnd(18)} ${user.role}, ${limits}${refused}`
    )
  }
  lines.push('  (no account: public access with ?scope=' + emulator.tenant + ')', '', 'Products:')
  for (const product of SEED_PRODUCTS) {
    lines.push(`  ${product.id}  ${product.providerId ?? '(no providerId)'}`)
    for (const file of product.files) {
      const flags = [
        file.online === false ? 'nearline' : '',
        file.reference ? 'reference' : '',
        product.licensed && file.dataType === 'RAWDATA' ? 'licensed' : ''
      ].filter(Boolean)
      lines.push(
        `    ${file.dataType.padEnd(12)} ${JSON.stringify(file.filename)} ` +
          `${contentSize(file.content)} B ${file.digestAlgorithm} ${file.checksum}` +
          (flags.length ? ` (${flags.join(', ')})` : '')
      )
    }
  }
  const token = `${emulator.url}/api/v1/rs-authentication/oauth/token?scope=${emulator.tenant}`
  lines.push(
    '',
    'Try it:',
    `  curl -s -u ${options.client} -H 'Content-Type: application/json' ` +
      `-d '{"grant_type":"password","username":"${SEED_USERS[0].email}","password":"${SEED_USERS[0].password}"}' '${token}'`,
    `  curl -s '${emulator.url}/api/v1/rs-catalog/engines/legacy/dataobjects/search?scope=${emulator.tenant}&q=providerId:DATA-06*'`,
    '',
    'Press Ctrl+C to stop.'
  )
  return lines.join('\n')
}

async function main(): Promise<void> {
  let options: CliOptions | 'help'
  try {
    options = parseCliOptions(process.argv.slice(2))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    process.stderr.write(`${reason}\n\n${USAGE}\n`)
    process.exitCode = 2
    return
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  let emulator: RegardsEmulator
  try {
    emulator = await startRegardsEmulator(options)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    process.stderr.write(`Could not start the REGARDS emulator: ${reason}\n`)
    process.exitCode = 1
    return
  }
  emulator.script(...options.faults)
  process.stdout.write(`${describe(emulator, options)}\n`)
  const stop = (signal: NodeJS.Signals): void => {
    process.stdout.write(`\n${signal}: stopping the REGARDS emulator\n`)
    void emulator.close()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

await main()
