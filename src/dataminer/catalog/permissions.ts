/** Permission names as the dataminer.services Admin app spells them. */
export const PERMISSION = {
  download: 'Download Catalog versions',
  deploy: 'Deploy a version of a Catalog item',
  read: 'Read Catalog items'
} as const
