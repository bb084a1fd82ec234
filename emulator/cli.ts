// `npm run emulator`: runs the Catalog emulator with its demo data until SIGINT or SIGTERM.
import { parseArgs } from 'node:util'
import { FaultArgError, faultHelp, parseFaultArg } from './fault-args.js'
import {
  DEFAULT_RATE_LIMIT,
  DEMO_KEYS,
  DEMO_SYSTEMS,
  SEED,
  SEED_ITEMS,
  startEmulator,
  type CatalogEmulator,
  type Fault,
  type RateLimitOptions
} from './index.js'

const USAGE = `Usage: npm run emulator -- [options]

  --port N                 port of the API host (default 8080; 0 picks a free one)
  --host H                 address to listen on (default 127.0.0.1)
  --path-prefix P          serve the API under this path, e.g. /ns (default none)
  --burst N                rate limit burst (default ${DEFAULT_RATE_LIMIT.burst})
  --refill-seconds N       seconds per token once the burst is spent (default ${DEFAULT_RATE_LIMIT.refillSeconds})
  --rate-limit-status S    429 or 503 (default ${DEFAULT_RATE_LIMIT.status})
  --no-rate-limit          turn the rate limit off
  --reject-post-deploy     answer POST deploy with 405, as if only GET were allowed
  --fault F                script a fault (repeatable; see below)
  -h, --help               show this help

${faultHelp()}`

class UsageError extends Error {}

interface CliOptions {
  host: string
  port: number
  pathPrefix: string
  rateLimit: RateLimitOptions | false
  rejectPostDeploy: boolean
  faults: Fault[]
}

function parseCliOptions(args: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'path-prefix': { type: 'string', default: '' },
      burst: { type: 'string' },
      'refill-seconds': { type: 'string' },
      'rate-limit-status': { type: 'string' },
      'no-rate-limit': { type: 'boolean', default: false },
      'reject-post-deploy': { type: 'boolean', default: false },
      fault: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) return 'help'

  const status = values['rate-limit-status'] ?? String(DEFAULT_RATE_LIMIT.status)
  if (status !== '429' && status !== '503') {
    throw new UsageError(`--rate-limit-status must be 429 or 503, got '${status}'`)
  }
  const rateLimit: RateLimitOptions = {
    burst: parseNumber('--burst', values.burst, DEFAULT_RATE_LIMIT.burst, 1, true),
    refillSeconds: parseNumber(
      '--refill-seconds',
      values['refill-seconds'],
      DEFAULT_RATE_LIMIT.refillSeconds,
      0.001,
      false
    ),
    status: status === '429' ? 429 : 503
  }
  return {
    host: values.host,
    port: parseNumber('--port', values.port, 8080, 0, true),
    pathPrefix: values['path-prefix'],
    rateLimit: values['no-rate-limit'] ? false : rateLimit,
    rejectPostDeploy: values['reject-post-deploy'],
    faults: values.fault.flatMap(parseFault)
  }
}

function parseFault(text: string): Fault[] {
  try {
    return parseFaultArg(text)
  } catch (error) {
    if (error instanceof FaultArgError) throw new UsageError(`--fault: ${error.message}`)
    throw error
  }
}

function parseNumber(
  flag: string,
  text: string | undefined,
  fallback: number,
  minimum: number,
  integer: boolean
): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < minimum) {
    throw new UsageError(`${flag} must be a number of at least ${minimum}, got '${text}'`)
  }
  if (integer && !Number.isInteger(value)) {
    throw new UsageError(`${flag} must be a whole number, got '${text}'`)
  }
  return value
}

function describe(emulator: CatalogEmulator, options: CliOptions): string {
  const lines: string[] = []
  lines.push(`DataMiner Catalog emulator (Key Catalog API v2.0) listening on ${emulator.url}`)
  lines.push(`Redirect target host: ${emulator.secondUrl}`)
  lines.push(
    options.rateLimit === false
      ? 'Rate limit: off'
      : `Rate limit per client IP: burst ${options.rateLimit.burst}, then 1 request every ` +
          `${options.rateLimit.refillSeconds} s; rejected with ${options.rateLimit.status}`
  )

  if (options.faults.length > 0) {
    lines.push('', 'Scripted faults, each used once by the first request whose route matches:')
    for (const fault of options.faults) lines.push(`  ${JSON.stringify(fault)}`)
  }

  lines.push('', 'Keys (header Ocp-Apim-Subscription-Key):')
  for (const [key, grant] of Object.entries(DEMO_KEYS)) {
    const permissions = grant.permissions.length ? grant.permissions.join(', ') : 'no permissions'
    lines.push(`  ${key.padEnd(24)} ${grant.organization}: ${permissions}`)
  }

  lines.push('', 'Catalog items:')
  for (const item of SEED_ITEMS) {
    lines.push(`  ${item.id}  ${item.name} (.${item.type}, ${item.organization})`)
    lines.push(`    versions: ${item.versions.map(seed => seed.version).join(', ')}`)
  }

  lines.push('', 'DataMiner Systems (coordination IDs):')
  for (const system of DEMO_SYSTEMS) {
    lines.push(`  ${system.id}  ${system.name} (${system.organization})`)
  }

  const download = `${emulator.url}/api/key-catalog/v2-0/${SEED.appItemId}/versions/1.0.0.10/download`
  lines.push(
    '',
    'Try it:',
    `  curl -fOJ -H 'Ocp-Apim-Subscription-Key: demo-full-key' '${download}'`,
    '',
    'Run the action bundle against it (after npm run bundle):',
    `  mkdir -p .tmp/workspace && env 'INPUT_API-KEY=demo-full-key' ` +
      `'INPUT_CATALOG-ID=${SEED.appItemId}' 'INPUT_VERSION=latest' ` +
      `'INPUT_BASE-URL=${emulator.url}' GITHUB_WORKSPACE="$PWD/.tmp/workspace" node dist/index.js`,
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
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`)
    process.exitCode = 2
    return
  }
  if (options === 'help') {
    console.log(USAGE)
    return
  }

  let emulator: CatalogEmulator
  try {
    emulator = await startEmulator({
      host: options.host,
      port: options.port,
      pathPrefix: options.pathPrefix,
      rateLimit: options.rateLimit,
      rejectPostDeploy: options.rejectPostDeploy
    })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    console.error(`Could not start the emulator on ${options.host}:${options.port}: ${reason}`)
    process.exitCode = 1
    return
  }
  emulator.script(...options.faults)
  console.log(describe(emulator, options))

  const stop = (signal: NodeJS.Signals): void => {
    console.log(`\n${signal}: stopping the emulator`)
    void emulator.close()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

await main()
