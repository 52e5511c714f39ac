/**
 * The one ordering of kit numbers used everywhere a list is shown or a "lowest sequence" is picked: numeric where
 * both are digits, text otherwise. It depends on the kit number only, never on arm.
 */
const DIGITS = /^\d+$/;

function compareKeys(a: string, aIsDigits: boolean, b: string, bIsDigits: boolean): number {
  if (aIsDigits && bIsDigits && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareKitNumbers(a: string, b: string): number {
  return compareKeys(a, DIGITS.test(a), b, DIGITS.test(b));
}

/** Whether `numbers` are already in compareKitNumbers order (one pass, no sort). */
export function isInKitNumberOrder(numbers: readonly string[]): boolean {
  let previousIsDigits = numbers.length > 0 && DIGITS.test(numbers[0]!);
  for (let i = 1; i < numbers.length; i++) {
    const isDigits = DIGITS.test(numbers[i]!);
    if (compareKeys(numbers[i - 1]!, previousIsDigits, numbers[i]!, isDigits) > 0) return false;
    previousIsDigits = isDigits;
  }
  return true;
}

/**
 * One number per identifier whose order is compareKitNumbers' order, when the list allows it (else null):
 * - all digits (up to 9): the length, then the value, as compareKitNumbers compares digits;
 * - one common non-digit head followed by up to 9 digits ("SN000123"): text order of the digits, written in base 11
 *   with each digit as 1-10 and a missing digit as 0 ("1" < "10" < "2", as text compares them).
 * Returns the keys and their largest value plus one.
 */
function numericKeys(numbers: readonly string[]): { keys: Float64Array; limit: number } | null {
  const first = numbers[0];
  if (first === undefined) return null;
  let headLength = first.length;
  while (headLength > 0 && first.charCodeAt(headLength - 1) >= 48 && first.charCodeAt(headLength - 1) <= 57) headLength--;
  const head = first.slice(0, headLength);
  let longest = 0;
  for (const n of numbers) {
    if (n.length === headLength || n.length - headLength > 9 || !n.startsWith(head)) return null;
    for (let at = headLength; at < n.length; at++) {
      const c = n.charCodeAt(at);
      if (c < 48 || c > 57) return null;
    }
    longest = Math.max(longest, n.length - headLength);
  }
  const keys = new Float64Array(numbers.length);
  if (head === '') {
    const scale = 10 ** longest;
    numbers.forEach((n, i) => (keys[i] = n.length * scale + Number(n)));
    return { keys, limit: (longest + 1) * scale };
  }
  numbers.forEach((n, i) => {
    let key = 0;
    for (let position = 0; position < longest; position++) {
      const at = headLength + position;
      key = key * 11 + (at < n.length ? n.charCodeAt(at) - 47 : 0);
    }
    keys[i] = key;
  });
  return { keys, limit: 11 ** longest };
}

/**
 * `items` sorted by compareKitNumbers of `numberOf(item)`, equal numbers keeping their order, for long lists: 50,000
 * kits make about 800,000 comparisons, too slow through a comparison function. When numericKeys applies (nearly always:
 * kit numbers are digits, serials a prefix and digits), each item's key and index are packed into one float and the
 * floats sorted natively; otherwise compareKitNumbers' rule is applied with each number's digit test made once.
 */
export function sortByKitNumber<T>(items: readonly T[], numberOf: (item: T) => string): T[] {
  const numbers = items.map(numberOf);
  const numeric = numericKeys(numbers);
  const slots = 2 ** Math.ceil(Math.log2(Math.max(2, items.length)));
  if (numeric && numeric.limit * slots <= Number.MAX_SAFE_INTEGER) {
    // Plain loops, not Float64Array.from/Array.from with a mapping function: those take V8's slow, generic path.
    const packed = new Float64Array(items.length);
    for (let i = 0; i < items.length; i++) packed[i] = numeric.keys[i]! * slots + i;
    packed.sort();
    const sorted = new Array<T>(items.length);
    for (let i = 0; i < items.length; i++) sorted[i] = items[packed[i]! % slots]!;
    return sorted;
  }
  const isDigits = numbers.map((n) => DIGITS.test(n));
  const order = numbers.map((_, i) => i);
  order.sort((x, y) => compareKeys(numbers[x]!, isDigits[x]!, numbers[y]!, isDigits[y]!) || x - y);
  return order.map((i) => items[i]!);
}
