// A certificate authority made at test time with openssl, and server certificates it signs, for
// the emulator's HTTPS. Nothing of it is committed: every key is made in a temporary folder that
// remove() deletes.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface ServerCertificate {
  /** PEM. */
  key: string
  /** PEM. */
  cert: string
}

export interface TestCa {
  /** The CA certificate's PEM file: what NODE_EXTRA_CA_CERTS names. */
  readonly certFile: string
  /** A certificate for these DNS names and IP addresses, signed by the CA. */
  issue(names: { dns?: string[]; ip?: string[] }): ServerCertificate
  /** Deletes the folder with every key. */
  remove(): void
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
  } catch (error) {
    const failed = error as { stderr?: string }
    throw new Error(`openssl ${args[0]} failed: ${failed.stderr ?? String(error)}`, {
      cause: error
    })
  }
}

/** A new CA (EC P-256, one day) in a temporary folder; `commonName` tells two CAs apart. */
export function makeTestCa(commonName = 'Catalog action test CA'): TestCa {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'catalog-test-ca-'))
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl(
    [
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign'
    ],
    dir
  )
  let issued = 0
  return {
    certFile: path.join(dir, 'ca.pem'),
    issue({ dns = [], ip = [] }) {
      const name = `server-${++issued}`
      const altNames = [...dns.map(n => `DNS:${n}`), ...ip.map(a => `IP:${a}`)].join(',')
      writeFileSync(
        path.join(dir, `${name}.ext`),
        [
          'basicConstraints=critical,CA:FALSE',
          'keyUsage=critical,digitalSignature',
          'extendedKeyUsage=serverAuth',
          `subjectAltName=${altNames}`
        ].join('\n') + '\n'
      )
      const subject = `/CN=${dns[0] ?? ip[0] ?? name}`
      openssl(
        [
          'req',
          '-new',
          ...ecKey,
          '-keyout',
          `${name}.key`,
          '-out',
          `${name}.csr`,
          '-subj',
          subject
        ],
        dir
      )
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `${name}.csr`,
          '-CA',
          'ca.pem',
          '-CAkey',
          'ca.key',
          '-CAcreateserial',
          '-days',
          '1',
          '-extfile',
          `${name}.ext`,
          '-out',
          `${name}.pem`
        ],
        dir
      )
      return {
        key: readFileSync(path.join(dir, `${name}.key`), 'utf8'),
        cert: readFileSync(path.join(dir, `${name}.pem`), 'utf8')
      }
    },
    remove() {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
