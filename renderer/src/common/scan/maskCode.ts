/**
 * A code that names no kit is shown shortened, never in full (issue 11): what lands in a scan field by mistake can be
 * a password typed by a password manager or a badge reader, and the verdict is read from across the bench. The last
 * two characters and the length are enough to tell which label was scanned; nothing more is given away.
 */
export function maskCode(code: string): string {
  const chars = [...code.trim()];
  if (chars.length <= 4) return '•'.repeat(chars.length);
  return `${'•'.repeat(Math.min(chars.length - 2, 6))}${chars.slice(-2).join('')}`;
}

/** How many characters the code has (said beside its masked form). */
export function codeLength(code: string): number {
  return [...code.trim()].length;
}
