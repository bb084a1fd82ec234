// A downloaded (or cached, or already placed) file checked against the catalog: its size must
// be `filesize` and its digest `checksum` with `digestAlgorithm`, compared without regard to case.
import { open } from 'node:fs/promises'
import { createReadStream } from 'node:fs'
import { describeBody } from '../core/http/describe-body.js'
import { ContentDigest } from '../core/files/hashing.js'
import { FileError } from './errors.js'
import { nodeDigest, sameDigest, type NodeDigest } from './digest.js'
import type { RegardsFile } from './entity.js'

/** 'digest': size and checksum checked; 'size': the algorithm is unknown, size only. */
export type Verification = 'digest' | 'size'

/** The node:crypto algorithms to compute while saving this file. */
export function algorithmsFor(file: RegardsFile): NodeDigest[] {
  const algorithm = nodeDigest(file.digestAlgorithm)
  return algorithm ? [algorithm] : []
}

/** What is wrong with these bytes for this file, or undefined when they are the file. */
export function mismatch(
  file: RegardsFile,
  size: number,
  digests: Record<string, string>
): string | undefined {
  if (file.size !== null && size !== file.size) {
    return `${size} bytes arrived, the catalog gives ${file.size}`
  }
  const algorithm = nodeDigest(file.digestAlgorithm)
  if (algorithm && !sameDigest(digests[algorithm] ?? '', file.checksum)) {
    return `its ${file.digestAlgorithm} is ${digests[algorithm]}, the catalog gives ${file.checksum}`
  }
  return undefined
}

export function verification(file: RegardsFile): Verification {
  return nodeDigest(file.digestAlgorithm) ? 'digest' : 'size'
}

/** The size and digests of a file on disk. */
export async function digestsOfFile(
  filePath: string,
  file: RegardsFile
): Promise<{ size: number; digests: Record<string, string> }> {
  const digest = new ContentDigest(algorithmsFor(file))
  for await (const chunk of createReadStream(filePath)) digest.update(chunk as Buffer)
  return { size: digest.bytes, digests: digest.otherHex(digest.hex()) }
}

/** The start of what arrived, as a person can read it: a page's title, or its first characters. */
export async function startOf(filePath: string, contentType?: string): Promise<string> {
  const handle = await open(filePath, 'r')
  try {
    const buffer = Buffer.alloc(512)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    // A character cut at the end of the 512 bytes is not a sign of binary content.
    const text = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/\ufffd$/, '')
    // Binary content is not shown: only what reads as text.
    if ([...text].some(isBinary)) return ''
    return describeBody(text, contentType)
  } finally {
    await handle.close()
  }
}

function isBinary(character: string): boolean {
  const code = character.codePointAt(0) ?? 0
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0xfffd
}

/** Fails the file when the downloaded bytes are not it, showing the start of what arrived. */
export async function assertDownloaded(
  file: RegardsFile,
  name: string,
  saved: { tempPath: string; size: number; digests: Record<string, string>; contentType?: string }
): Promise<void> {
  const problem = mismatch(file, saved.size, saved.digests)
  if (!problem) return
  const start = await startOf(saved.tempPath, saved.contentType)
  throw new FileError(
    `${name} did not arrive as the catalog describes it: ${problem}${start ? `; it starts with ${start}` : ''}. Nothing of it was kept.`,
    'A proxy, firewall or portal page may have answered instead of REGARDS; check url and the network between the runner and it, then run the step again.'
  )
}
