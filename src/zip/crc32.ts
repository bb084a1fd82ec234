// CRC-32 (IEEE 802.3), as used by zip. Node 20 has no zlib.crc32, so the table lives here.
const TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/** Continues a running CRC-32 over `chunk`; start with `crc32(chunk)` (previous = 0). */
export function crc32(chunk: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0
  for (let i = 0; i < chunk.length; i++) crc = TABLE[(crc ^ chunk[i]) & 0xff] ^ (crc >>> 8)
  return ~crc >>> 0
}
