/**
 * Temperature excursions (issue 15, item 3), pure: readings and a location's range in, excursions out.
 *
 * A reading exactly on a bound is in range. An excursion starts at the first reading out of range and ends at the first
 * reading back in range after it, so each out-of-range reading counts the interval until the next reading (a logger
 * samples; the temperature is taken to stay as read until the next sample). A file that ends out of range leaves the
 * excursion ongoing, ended at its last reading. A run that crosses straight from above to below (or back) is two
 * excursions: they are two different harms to a biologic (heat, freezing).
 */
export interface TemperatureRange {
  minCenti: number;
  maxCenti: number;
}

export interface Excursion {
  startMs: number;
  endMs: number;
  durationSeconds: number;
  direction: 'above' | 'below';
  /** The reading farthest outside the range, in hundredths of °C. */
  worstCenti: number;
  /** True when the readings end out of range: the end is the last reading, not a return to range. */
  ongoing: boolean;
}

const sideOf = (centi: number, range: TemperatureRange): 'above' | 'below' | null => (centi > range.maxCenti ? 'above' : centi < range.minCenti ? 'below' : null);

/** Excursions in readings sorted by time (atMs strictly increasing, as parseLoggerFile returns them). */
export function detectExcursions(atMs: readonly number[], centi: readonly number[], range: TemperatureRange): Excursion[] {
  const found: Excursion[] = [];
  let open: { startMs: number; direction: 'above' | 'below'; worst: number } | null = null;
  const close = (endMs: number, ongoing: boolean) => {
    found.push({ startMs: open!.startMs, endMs, durationSeconds: Math.round((endMs - open!.startMs) / 1000), direction: open!.direction, worstCenti: open!.worst, ongoing });
    open = null;
  };
  for (let i = 0; i < atMs.length; i++) {
    const t = atMs[i]!;
    const c = centi[i]!;
    const side = sideOf(c, range);
    if (open && side !== open.direction) close(t, false);
    if (side && !open) open = { startMs: t, direction: side, worst: c };
    else if (side && open) open.worst = side === 'above' ? Math.max(open.worst, c) : Math.min(open.worst, c);
  }
  if (open) close(atMs[atMs.length - 1]!, true);
  return found;
}

/**
 * The excursion a hand-entered min/max reading shows (twice-daily checks of a min/max thermometer): its minimum or
 * maximum outside the range means the temperature left the range some time since the previous check, so the
 * excursion spans from the previous check (or this one, for the first) to this one, its worst value the extreme read.
 * When both are out, the one farther from its bound decides.
 */
export function minMaxExcursion(previousReadMs: number | null, readMs: number, minCenti: number, maxCenti: number, range: TemperatureRange): Excursion | null {
  const above = maxCenti > range.maxCenti ? maxCenti - range.maxCenti : 0;
  const below = minCenti < range.minCenti ? range.minCenti - minCenti : 0;
  if (above === 0 && below === 0) return null;
  const startMs = previousReadMs ?? readMs;
  const direction = above >= below ? 'above' : 'below';
  return { startMs, endMs: readMs, durationSeconds: Math.round((readMs - startMs) / 1000), direction, worstCenti: direction === 'above' ? maxCenti : minCenti, ongoing: false };
}

/** A kit's stay in a location: from when, until when (null: still there). */
export interface Stay {
  fromMs: number;
  toMs: number | null;
}

/**
 * Seconds of an excursion a kit spent in the location, or null when it was not there during it. A kit put away at the
 * very instant the excursion ended was not there; one present at a single-reading excursion (start = end) was.
 */
export function exposureSeconds(stay: Stay, excursion: { startMs: number; endMs: number }): number | null {
  const to = stay.toMs ?? Infinity;
  if (stay.fromMs > excursion.endMs || to <= excursion.startMs) return null;
  if (stay.fromMs === excursion.endMs && excursion.endMs !== excursion.startMs) return null;
  return Math.round((Math.min(to, excursion.endMs) - Math.max(stay.fromMs, excursion.startMs)) / 1000);
}
