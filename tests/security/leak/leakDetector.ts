/**
 * The blinding leak detector: given what a blinded person could see (channel answers, page text, exported files) and
 * the sponsor's truth (which kit and which randomization number belongs to which arm), it finds
 * - any arm code or arm name, in any case, once the study's shared blinded wording ("dupilumab 300 mg/2 mL or
 *   placebo") is set aside;
 * - any kit-to-arm or patient-to-arm fact: a field whose value differs between arms for the kits or patients it
 *   describes (a real lot shown for an arm-only lot, an expiry per arm, a flag), or a list whose order groups arms.
 * It knows nothing about Veil's screens or channels, so a new channel or screen is covered by feeding it its output.
 */
export interface SponsorTruth {
  armWords: string[];
  sharedBlindedPhrases: string[];
  /** Kit number or randomization number → arm code. */
  armOf: Map<string, string>;
}

export interface Leak {
  where: string;
  kind: 'arm_word' | 'separating_field' | 'arm_ordering';
  detail: string;
}

function stripShared(text: string, truth: SponsorTruth): string {
  let out = text.toLowerCase();
  for (const phrase of truth.sharedBlindedPhrases) out = out.split(phrase.toLowerCase()).join(' ');
  return out;
}

export function findArmWords(where: string, text: string, truth: SponsorTruth): Leak[] {
  const haystack = stripShared(text, truth);
  return truth.armWords
    .filter((word) => {
      const needle = word.toLowerCase();
      // Whole words only: "PLACEBO" inside a longer identifier still counts, a letter run inside another word does not.
      return new RegExp(`(^|[^a-z0-9])${needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`).test(haystack);
    })
    .map((word) => ({ where, kind: 'arm_word' as const, detail: `mentions "${word}"` }));
}

const PATIENT_FIELDS = new Set(['patient', 'patientId', 'screeningNumber', 'randomizationNumber', 'patientInitials', 'initials']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Objects that carry exactly one known kit or randomization number, with their other scalar fields. */
function subjects(value: Json, truth: SponsorTruth, out: Array<{ id: string; fields: Record<string, string> }> = []) {
  if (Array.isArray(value)) value.forEach((v) => subjects(v, truth, out));
  else if (value && typeof value === 'object') {
    const scalars = Object.entries(value).filter(([, v]) => v === null || typeof v !== 'object') as Array<[string, Json]>;
    const ids = scalars.filter(([, v]) => typeof v === 'string' && truth.armOf.has(v)).map(([, v]) => v as string);
    if (ids.length === 1) {
      const fields: Record<string, string> = {};
      for (const [k, v] of scalars) if (v !== ids[0]) fields[k] = JSON.stringify(v);
      out.push({ id: ids[0]!, fields });
    }
    Object.values(value).forEach((v) => subjects(v, truth, out));
  }
  return out;
}

/**
 * A field separates arms when, over subjects of at least two arms (three or more of each), every value of the field
 * is seen with one arm only. Such a field tells a blinded reader the arm of a kit or patient by inspection.
 */
export function findSeparatingFields(where: string, value: unknown, truth: SponsorTruth): Leak[] {
  const found = subjects(value as Json, truth);
  const leaks: Leak[] = [];
  // Kits given to one patient share that patient's arm: that is the trial itself, known to every blinded user, so a
  // field naming the patient is not a leak (nothing in it says which arm).
  const fieldNames = new Set(found.flatMap((s) => Object.keys(s.fields)).filter((f) => !PATIENT_FIELDS.has(f)));
  for (const field of fieldNames) {
    const withField = found.filter((s) => field in s.fields);
    const armsPerValue = new Map<string, Set<string>>();
    const perArm = new Map<string, number>();
    for (const s of withField) {
      const arm = truth.armOf.get(s.id)!;
      perArm.set(arm, (perArm.get(arm) ?? 0) + 1);
      armsPerValue.set(s.fields[field]!, (armsPerValue.get(s.fields[field]!) ?? new Set()).add(arm));
    }
    const enough = [...perArm.values()].filter((n) => n >= 3).length >= 2;
    const distinctValues = armsPerValue.size;
    // Near-unique fields (ids, timestamps, years of birth) trivially "separate" small groups; a field is a leak when
    // its values are shared, on average, by two subjects or more and still never cross arms.
    const shared = withField.length >= 2 * distinctValues;
    if (enough && shared && distinctValues > 1 && [...armsPerValue.values()].every((arms) => arms.size === 1)) {
      leaks.push({ where, kind: 'separating_field', detail: `field "${field}" takes one value per arm` });
    }
  }
  return leaks;
}

/**
 * Lists of kits or patients whose order groups them by arm far beyond chance (Wald-Wolfowitz runs, z < -3). Only lists
 * that name each kit or patient once are lists of kits: a log (the audit trail) names a kit at each of its steps, and
 * the kits of one dispensing sit together there because they were given together, which every blinded user knows.
 */
export function findArmOrdering(where: string, value: unknown, truth: SponsorTruth): Leak[] {
  const leaks: Leak[] = [];
  const visit = (v: Json) => {
    if (Array.isArray(v)) {
      const ids = v
        .map((item) => (typeof item === 'string' ? item : item && typeof item === 'object' && !Array.isArray(item) ? subjects(item, truth)[0]?.id : undefined))
        .filter((id): id is string => typeof id === 'string' && truth.armOf.has(id));
      const arms = ids.map((id) => truth.armOf.get(id)!);
      if (arms.length >= 10 && new Set(ids).size === ids.length) {
        let runs = 1;
        for (let i = 1; i < arms.length; i++) if (arms[i] !== arms[i - 1]) runs++;
        const n = arms.length;
        const counts = [...arms.reduce((m, a) => m.set(a, (m.get(a) ?? 0) + 1), new Map<string, number>()).values()];
        const s2 = counts.reduce((s, c) => s + c * c, 0);
        const s3 = counts.reduce((s, c) => s + c * c * c, 0);
        const expected = 1 + (n * n - s2) / n;
        const variance = (s2 * (s2 + n * (n + 1)) - 2 * n * s3 - n * n * n) / (n * n * (n - 1));
        if (variance > 0 && (runs - expected) / Math.sqrt(variance) < -3) {
          leaks.push({ where, kind: 'arm_ordering', detail: `a list of ${n} kits or patients is grouped by arm (${runs} runs, ${expected.toFixed(1)} expected)` });
        }
      }
      v.forEach(visit);
    } else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value as Json);
  return leaks;
}

export function inspect(where: string, value: unknown, truth: SponsorTruth): Leak[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return [
    ...findArmWords(where, text, truth),
    ...(typeof value === 'string' ? [] : [...findSeparatingFields(where, value, truth), ...findArmOrdering(where, value, truth)]),
  ];
}
