import type { Message } from '../../../shared/messages/catalogue';

/**
 * The text of a sponsor's list file, from its bytes, in the encodings spreadsheets really save:
 * - UTF-8, with or without a byte-order mark ("CSV UTF-8");
 * - UTF-16LE or UTF-16BE with a byte-order mark (Excel's "Unicode text", tab-separated);
 * - Windows-1252 when the bytes are not valid UTF-8 (Excel's plain "CSV" on a French or English Windows).
 * A byte-order mark is a declaration: bytes that contradict it are refused, never guessed around. Without one, valid
 * UTF-8 is UTF-8 (Windows-1252 text with accents is almost never valid UTF-8, so the order of the two tries is safe).
 * The SHA-256 Veil records is of the bytes, not of this text (see listFiles.ts).
 */
export type ListEncoding = 'UTF-8' | 'UTF-8 with BOM' | 'UTF-16LE' | 'UTF-16BE' | 'Windows-1252';

export type DecodedList = { ok: true; text: string; encoding: ListEncoding } | { ok: false; said: Message };

/** Windows-1252 bytes 0x80-0x9F (the only ones that differ from Latin-1); the five unassigned ones keep their C1 code. */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  // Every Windows-1252 character is one UTF-16 code unit: write them little-endian and decode those.
  const units = new DataView(new ArrayBuffer(bytes.length * 2));
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    units.setUint16(i * 2, b >= 0x80 && b <= 0x9f ? WINDOWS_1252_HIGH[b - 0x80]! : b, true);
  }
  return new TextDecoder('utf-16le').decode(units);
}

function strictDecode(label: 'utf-8' | 'utf-16le', bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function swapBytePairs(bytes: Uint8Array): Uint8Array {
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    swapped[i] = bytes[i + 1]!;
    swapped[i + 1] = bytes[i]!;
  }
  return swapped;
}

function utf16(bytes: Uint8Array, encoding: 'UTF-16LE' | 'UTF-16BE'): DecodedList {
  const body = bytes.subarray(2);
  if (body.length % 2 !== 0) return { ok: false, said: { key: 'lists.encodingCut', params: { encoding } } };
  const text = strictDecode('utf-16le', encoding === 'UTF-16LE' ? body : swapBytePairs(body));
  if (text === null) return { ok: false, said: { key: 'lists.encodingInvalid', params: { encoding } } };
  return { ok: true, text, encoding };
}

export function decodeListFile(bytes: Uint8Array): DecodedList {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return utf16(bytes, 'UTF-16LE');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return utf16(bytes, 'UTF-16BE');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = strictDecode('utf-8', bytes.subarray(3));
    if (text === null) return { ok: false, said: { key: 'lists.utf8Invalid' } };
    return { ok: true, text, encoding: 'UTF-8 with BOM' };
  }
  const text = strictDecode('utf-8', bytes);
  if (text !== null) return { ok: true, text, encoding: 'UTF-8' };
  return { ok: true, text: decodeWindows1252(bytes), encoding: 'Windows-1252' };
}
