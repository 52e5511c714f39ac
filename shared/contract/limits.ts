/**
 * Size limits that more than one part of Veil must agree on, declared once (issue 18): the contract validates a list
 * file against MAX_LIST_FILE_BYTES, and the browser-mode host reads request bodies up to MAX_REQUEST_BODY_BYTES, which
 * is derived from it, so a list the contract accepts always reaches the contract.
 */

/** The largest sponsor list file Veil takes, in bytes of the file as saved (a full study's kit list is a few MB). */
export const MAX_LIST_FILE_BYTES = 20_000_000;
/** A study configuration file (studies/ns-dupi.json is 5 kB): ample room for long label translations. */
export const MAX_STUDY_FILE_BYTES = 1_000_000;

/** Characters of the base64 text of `bytes` bytes: 4 for every 3 bytes or part of 3 (padded with "="). */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/**
 * The largest request body of browser mode: a list file at its limit, in base64 (lists travel as their bytes, so the
 * SHA-256 Veil records is the file's), plus room for the JSON around it (kind, file name, signature).
 */
export const MAX_REQUEST_BODY_BYTES = base64Length(MAX_LIST_FILE_BYTES) + 64 * 1024;
