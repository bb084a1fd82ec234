// The step summary of every kind of failure, rendered to the text a person reads on the run's
// page: what failed and what to do come first, in plain words, with no markup showing through.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { SEED, type CatalogEmulator, type Fault } from '../../emulator/index.js'
import { summaryToText } from '../../scripts/summary-text.js'
import {
  DEPLOY_ONLY_KEY,
  expectNoKeyLeak,
  TEST_KEY,
  UNKNOWN_KEY,
  useEmulatorSuite
} from '../helpers/emulator-fixture.js'
import { runBundle } from '../helpers/run-bundle.js'

const suite = useEmulatorSuite()
// FAILURE_SUMMARIES_OUT=<folder> keeps each rendered summary as <folder>/<case>.txt, for review.
const keepTextIn = process.env['FAILURE_SUMMARIES_OUT']
let emulator: CatalogEmulator
beforeAll(() => {
  emulator = suite.emulator
})

interface Case {
  name: string
  inputs: Record<string, string>
  faults?: Fault[]
  key?: string
  heading: string
  failed: RegExp
  todo: RegExp
  before?: (workspace: string) => void
}

const CASES: Case[] = [
  {
    name: 'invalid inputs',
    inputs: { 'catalog-id': 'not-a-guid', 'max-attempts': '0' },
    heading: 'DataMiner Catalog: the inputs are not valid',
    failed: /catalog-id: "not-a-guid" is not a GUID.*max-attempts: "0" is not a whole number/s,
    todo: /Fix the step's "with:" values; nothing was sent to the API/
  },
  {
    name: 'a key the API does not know',
    inputs: {},
    key: UNKNOWN_KEY,
    heading: 'DataMiner Catalog download failed',
    failed: /HTTP 401.*the API key was not accepted/,
    todo: /organization key.*revoked or regenerated/
  },
  {
    name: 'a key without the permission',
    inputs: {},
    key: DEPLOY_ONLY_KEY,
    heading: 'DataMiner Catalog download failed',
    failed: /lacks the "Download Catalog versions" permission/,
    todo: /Add "Download Catalog versions" to the organization key/
  },
  {
    name: 'a version given as a release tag',
    inputs: { version: 'v1.0.0.9' },
    heading: 'DataMiner Catalog download failed',
    failed: /HTTP 404.*version "v1\.0\.0\.9" is unknown/,
    todo: /no leading "v": try version 1\.0\.0\.9/
  },
  {
    name: 'a rate limit that outlasts the budget',
    inputs: { 'max-wait-seconds': '10' },
    faults: [{ type: 'status', status: 429, headers: { 'Retry-After': '600' } }],
    heading: 'DataMiner Catalog download failed',
    failed: /rejected by the rate limit \(HTTP 429\) and the server asks to wait 10 min 0 s/,
    todo: /The limit resets at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: run the step again then, or raise max-wait-seconds to at least 600/
  },
  {
    name: 'an API that cannot be reached',
    inputs: { 'base-url': 'http://127.0.0.1:9', 'max-attempts': '1' },
    heading: 'DataMiner Catalog download failed',
    failed:
      /Downloading version "1\.0\.0\.9" .* failed: Could not connect to 127\.0\.0\.1:9 \(ECONNREFUSED\)/,
    todo: /base-url.*https_proxy.*timeout-seconds/
  },
  {
    name: "a proxy's page instead of the package",
    inputs: {},
    faults: [
      {
        type: 'status',
        status: 200,
        body: '<html><head><title>Blocked by policy</title></head><body><h1>Web filter</h1></body></html>',
        headers: { 'Content-Type': 'text/html' }
      }
    ],
    heading: 'DataMiner Catalog download failed',
    failed: /it sent an HTML page: "Blocked by policy: Web filter"/,
    // No proxy is in use: the hint names a portal or sign-in page only (issue 22).
    todo: /A portal or sign-in page may have answered/
  },
  {
    name: 'a file of the user in the way',
    inputs: {},
    before: workspace =>
      writeFileSync(path.join(workspace, 'Demo Application 1.0.0.9.dmapp'), 'mine'),
    heading: 'DataMiner Catalog download failed',
    failed: /already exists and is not the package "Demo Application 1\.0\.0\.9\.dmapp"/,
    todo: /never overwrites a file it did not create/
  },
  {
    name: 'a deploy the API may have started',
    inputs: { 'coordination-id': SEED.systemIds[0] },
    faults: [{ match: 'deploy', type: 'status', status: 500 }],
    heading: 'DataMiner Catalog deploy failed',
    failed: /HTTP 500.*The request reached the API, so it was not repeated/,
    todo: /may or may not have started: check the Deployments page/
  },
  {
    name: 'a deploy that failed for one system of three',
    inputs: {
      'coordination-id': [
        SEED.systemIds[0],
        SEED.otherOrganizationSystemId,
        SEED.systemIds[1]
      ].join(',')
    },
    heading: 'DataMiner Catalog deploy failed for 1 of 3 systems',
    failed: /Deploying failed for the systems marked Failed below/,
    todo: /coordination-id is the last GUID of the system's address/
  }
]

describe('the summary of a failed step, as a person reads it (process level)', () => {
  it.each(CASES)('$name', async ({ name, inputs, faults, key, heading, failed, todo, before }) => {
    const dirs = suite.newDirs()
    before?.(dirs.workspace)
    if (faults) emulator.script(...faults)
    const run = await runBundle(
      {
        'api-key': key ?? TEST_KEY,
        'catalog-id': SEED.appItemId,
        version: '1.0.0.9',
        'base-url': emulator.url,
        cache: 'false',
        ...inputs
      },
      { dirs }
    )
    expect(run.code).toBe(1)
    const text = summaryToText(run.summary).join('\n')
    if (keepTextIn) {
      mkdirSync(keepTextIn, { recursive: true })
      writeFileSync(path.join(keepTextIn, `${name.replace(/\W+/g, '-')}.txt`), `${text}\n`)
    }
    const lines = text.split('\n')
    expect(lines[0]).toBe(heading)
    const failedAt = lines.indexOf('What failed:')
    const todoAt = lines.indexOf('What to do:')
    expect(failedAt).toBe(3)
    expect(todoAt).toBeGreaterThan(failedAt)
    expect(lines.slice(failedAt + 1, todoAt).join(' ')).toMatch(failed)
    expect(text.slice(text.indexOf('What to do:'))).toMatch(todo)
    // Nothing of the markup, and no escaped character, shows through.
    expect(text).not.toMatch(/<\/?[a-z]+[\s>]|&#?\w+;/i)
    expectNoKeyLeak(run, key ?? TEST_KEY)
  })

  it('lists each failed system once, and says the shared hint once', async () => {
    const systems = [SEED.systemIds[0], SEED.otherOrganizationSystemId, SEED.systemIds[1]]
    const run = await runBundle(
      {
        'api-key': TEST_KEY,
        'catalog-id': SEED.appItemId,
        version: '1.0.0.9',
        'base-url': emulator.url,
        'coordination-id': systems.join(',')
      },
      { dirs: suite.newDirs() }
    )
    const text = summaryToText(run.summary).join('\n')
    // A row per system, its ID whole, then one reason per failed system.
    for (const id of systems) expect(text).toContain(`System (coordination ID) ${id}`)
    expect(text.match(/Result: Accepted/g)).toHaveLength(2)
    expect(text.match(/Result: Failed/g)).toHaveLength(1)
    expect(text).toMatch(
      new RegExp(`^- ${SEED.otherOrganizationSystemId}: Deploying .* HTTP 404`, 'm')
    )
    expect(text.match(/coordination-id is the last GUID/g)).toHaveLength(1)
  })
})
