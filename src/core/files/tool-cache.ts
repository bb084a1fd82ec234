import { createHash, randomUUID } from 'node:crypto'
import { constants } from 'node:fs'
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { CancelScope } from '../step/cancel-scope.js'
import * as log from '../step/log.js'

/** What every entry of the cache records about its file. */
export interface CachedFile {
  /** The layout number it was written with; an entry of another layout is never read. */
  layout?: number
  fileName: string
  size: number
  sha256: string
}

/** Where an action keeps its entries, and how an entry names what it holds. */
export interface CacheLayout<E extends CachedFile> {
  /** The folder under the tool cache that holds every entry of the action, of every layout. */
  folder: string
  /** Part of the action's public interface: a change to where or how entries are written takes a new one. */
  version: number
  /** The item and exact version an entry holds; the item as the entry stores it (lower case). */
  keyOf(entry: E): { id: string; version: string }
}

const ENTRY_FILE = 'entry.json'

/** `$RUNNER_TOOL_CACHE`, when the runner provides one. */
export function toolCacheRoot(): string | undefined {
  return process.env['RUNNER_TOOL_CACHE'] || undefined
}

/**
 * Verified files kept in the runner's tool cache, one folder per item and exact version, in the
 * tool cache's `<tool>/<version>` convention (not through @actions/tool-cache:
 * docs/decisions/0003-own-tool-cache-lookup.md). Only for versions that never change once
 * published: an entry never goes stale.
 *
 *   <root>/<folder>/layout-<n>/<id>/<version>-<digest>/
 *     entry.json     the entry (E), with "layout": n
 *     <fileName>     the file, as it was downloaded
 *
 * <id> is lower-case; <version> is the version percent-encoded (and `*` as `_`), cut to 80
 * characters; <digest> is the first 8 hex digits of the SHA-256 of the exact version string, so
 * versions that differ only in case or beyond 80 characters never share a folder.
 */
export class ToolCache<E extends CachedFile> {
  constructor(
    private readonly root: string,
    private readonly layout: CacheLayout<E>
  ) {}

  entryDir(id: string, version: string): string {
    const digest = createHash('sha256').update(version).digest('hex').slice(0, 8)
    const readable = encodeURIComponent(version).replace(/[*]/g, '_').slice(0, 80)
    return path.join(
      this.root,
      this.layout.folder,
      `layout-${this.layout.version}`,
      id.toLowerCase(),
      `${readable}-${digest}`
    )
  }

  /** The complete entry for this version, or undefined. Reads only the small entry file. */
  async lookup(id: string, version: string): Promise<{ entry: E; filePath: string } | undefined> {
    const dir = this.entryDir(id, version)
    try {
      const entry = JSON.parse(await readFile(path.join(dir, ENTRY_FILE), 'utf8')) as E
      if (entry.layout !== this.layout.version) return undefined
      const key = this.layout.keyOf(entry)
      if (key.version !== version || key.id !== id.toLowerCase()) return undefined
      const filePath = path.join(dir, path.basename(entry.fileName))
      const { size } = await stat(filePath)
      if (size !== entry.size) return undefined
      return { entry, filePath }
    } catch {
      return undefined
    }
  }

  /** Removes an entry found damaged, so the fresh download can take its place. */
  async evict(id: string, version: string): Promise<void> {
    await rm(this.entryDir(id, version), { recursive: true, force: true })
  }

  /**
   * Adds a verified file. The entry is assembled in a sibling folder and renamed into place, so a
   * reader sees either a complete entry or none. Throws when it cannot (the caller decides whether
   * that matters), having removed what it began.
   */
  async store(filePath: string, entry: E, scope: CancelScope): Promise<void> {
    const staged = await this.stage(filePath, entry, scope)
    await staged?.commit()
  }

  /**
   * The first half of store(): the copy of the file in a staging folder beside the entry's, which
   * no reader looks at, so it can be made while the caller still checks the file (unpacks it).
   * The caller then commits it, or discards it should its own work fail; undefined when the same
   * entry is there already. Throws when it cannot, having removed what it began.
   */
  async stage(filePath: string, entry: E, scope: CancelScope): Promise<StagedEntry | undefined> {
    const { id, version } = this.layout.keyOf(entry)
    const dir = this.entryDir(id, version)
    // Another run on this runner may have stored it meanwhile.
    if ((await this.lookup(id, version))?.entry.sha256 === entry.sha256) return undefined
    const staging = `${dir}.partial-${randomUUID()}`
    const untrack = scope.track(staging)
    const discard = async () => {
      await rm(staging, { recursive: true, force: true })
      untrack()
    }
    try {
      await mkdir(staging, { recursive: true })
      // A copy by the kernel (a copy-on-write clone where the file system has them), not read and
      // hashed again here: every cache hit verifies the entry's SHA-256 before using it.
      const copy = path.join(staging, path.basename(entry.fileName))
      await copyFile(filePath, copy, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE)
      if ((await stat(copy)).size !== entry.size)
        throw new Error('the copy in the cache does not have the size of the download')
      scope.throwIfCancelled()
    } catch (error) {
      await discard()
      throw error
    }
    const commit = async () => {
      try {
        scope.throwIfCancelled()
        const record: E = { ...entry, layout: this.layout.version }
        await writeFile(path.join(staging, ENTRY_FILE), JSON.stringify(record, null, 2))
        await rm(dir, { recursive: true, force: true })
        try {
          await rename(staging, dir)
        } catch (error) {
          // A parallel run may have put the same entry in place between the rm and the rename.
          if ((await this.lookup(id, version))?.entry.sha256 !== entry.sha256) throw error
        }
        log.debug(`Cached ${entry.fileName} in ${dir}`)
      } finally {
        await discard()
      }
    }
    return { commit, discard }
  }
}

/** A copy staged for the cache: commit() puts it in place, discard() removes it. */
export interface StagedEntry {
  commit(): Promise<void>
  discard(): Promise<void>
}
