/**
 * The one ordering of kit numbers used everywhere a list is shown or a "lowest sequence" is picked: numeric where
 * both are digits, text otherwise. It depends on the kit number only, never on arm.
 */
export function compareKitNumbers(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
