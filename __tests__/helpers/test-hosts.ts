// Made-up host names for the process-level tests, and the environment that lets a child resolve
// them (hosts-file.mjs). Names under .test never resolve on a real network (RFC 6761).
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** The API host as the action is told it: a proxy, or hostsFileEnv, says where it really is. */
export const API_HOST = 'catalog.test'
/** Another name, for a certificate issued to some other host. */
export const OTHER_HOST = 'elsewhere.test'

const HOSTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'hosts-file.mjs')

/** Environment for a child in which each name resolves to its address (e.g. 127.0.0.1). */
export function hostsFileEnv(hosts: Record<string, string>): Record<string, string> {
  return {
    NODE_OPTIONS: `--import=${pathToFileURL(HOSTS_FILE).href}`,
    TEST_HOSTS: Object.entries(hosts)
      .map(([name, address]) => `${name}=${address}`)
      .join(',')
  }
}

/** The emulator's URL with its host name replaced by `name` (same scheme, port and path). */
export function urlWithHost(url: string, name: string): string {
  const changed = new URL(url)
  changed.hostname = name
  return changed.href.replace(/\/$/, '')
}
