import type { TFunction } from 'i18next';
import { translateServerMessage } from '../i18n/serverMessages';

/**
 * The host's messages about study set-up and list files, in the user's language. The host writes them in English for
 * the person at the bench; a message this table does not know is shown as it came (translateServerMessage), never
 * hidden.
 */
type Rule = [RegExp, (t: TFunction, m: RegExpExecArray) => string];

const RULES: Rule[] = [
  [/^No study is loaded in this database yet\.$/, (t) => t('setup.serverMessages.noStudy')],
  [/^Expiry dates do not reveal arms: every kit shows its own date/, (t) => t('setup.serverMessages.useBeforeNoCommon')],
  [/^The stock now calls for use-before date (\S+), not (\S+): review it again\.$/, (t, m) => t('setup.serverMessages.useBeforeStale', { proposed: m[1], given: m[2] })],
  [/^Use-before date (\S+) is already in force on every kit\.$/, (t, m) => t('setup.serverMessages.useBeforeInForce', { date: m[1] })],
  [/^The file is empty( \(content\))?\.?$/, (t) => t('setup.problems.empty')],
  [/^(.+): (\d+) problems? found; nothing was imported\.$/, (t, m) => t('setup.serverMessages.listRefused', { file: m[1], count: Number(m[2]) })],
];

export function translateSetupMessage(message: string, t: TFunction): string {
  for (const [pattern, render] of RULES) {
    const match = pattern.exec(message);
    if (match) return render(t, match);
  }
  return translateServerMessage(message, t);
}

/** The problems the list check finds, line by line (main/core/allocation/listFiles.ts), in the user's language. */
const PROBLEM_RULES: Rule[] = [
  [/^The file is empty\.$/, (t) => t('setup.problems.empty')],
  [/^The file starts as (\S+) text but has an odd number of bytes/, (t, m) => t('setup.problems.encodingCut', { encoding: m[1] })],
  [/^The file starts as (\S+) text but is not valid/, (t, m) => t('setup.problems.encodingInvalid', { encoding: m[1] })],
  [/^The file has a control character \((U\+[0-9A-F]{4})\)/, (t, m) => t('setup.problems.controlCharacter', { code: m[1] })],
  [
    /^Kit numbers have (\d+) to (\d+) digits \((\S+) on line (\d+), (\S+) on line (\d+)\) and none starts with 0/,
    (t, m) => t('setup.problems.leadingZeros', { from: Number(m[1]), to: Number(m[2]), short: m[3], shortLine: Number(m[4]), long: m[5], longLine: Number(m[6]) }),
  ],
  [/^CSV format: (.+)$/, (t, m) => t('setup.problems.csvFormat', { detail: m[1] })],
  [/^The file has no header line\.$/, (t) => t('setup.problems.noHeader')],
  [/^Missing column "(.+)"\.$/, (t, m) => t('setup.problems.missingColumn', { column: m[1] })],
  [/^Unknown column "(.+)"\.$/, (t, m) => t('setup.problems.unknownColumn', { column: m[1] })],
  [/^Column "(.+)" appears twice\.$/, (t, m) => t('setup.problems.columnTwice', { column: m[1] })],
  [/^Expected (\d+) fields, found (\d+)\.$/, (t, m) => t('setup.problems.fieldCount', { expected: t('setup.problems.fields', { count: Number(m[1]) }), found: t('setup.problems.fields', { count: Number(m[2]) }) })],
  [/^The file has a header but no rows\.$/, (t) => t('setup.problems.noRows')],
  [/^Randomization number "(.*)" is empty or has characters other than/, (t, m) => t('setup.problems.badRandomizationNumber', { value: m[1] })],
  [/^Duplicate randomization number (.+) \(first on line (\d+)\)\.$/, (t, m) => t('setup.problems.duplicateRandomizationNumber', { value: m[1], line: Number(m[2]) })],
  [/^Randomization number (.+) is already imported\.$/, (t, m) => t('setup.problems.randomizationNumberImported', { value: m[1] })],
  [/^Unknown arm "(.*)": the study's arms are (.+)\.$/, (t, m) => t('setup.problems.unknownArm', { value: m[1], arms: m[2] })],
  [/^The block is empty\.$/, (t) => t('setup.problems.emptyBlock')],
  [/^Unknown stratum "(.*)": the study's strata are (.+)\.$/, (t, m) => t('setup.problems.unknownStratum', { value: m[1], strata: m[2] })],
  [/^Kit number "(.*)" is empty or has characters other than/, (t, m) => t('setup.problems.badKitNumber', { value: m[1] })],
  [/^Duplicate kit number (.+) \(first on line (\d+)\)\.$/, (t, m) => t('setup.problems.duplicateKitNumber', { value: m[1], line: Number(m[2]) })],
  [/^Kit (.+) is already imported\.$/, (t, m) => t('setup.problems.kitImported', { value: m[1] })],
  [/^Lot "(.+)" is longer than 20 characters/, (t, m) => t('setup.problems.lotTooLong', { value: m[1] })],
  [/^The lot is empty\.$/, (t) => t('setup.problems.emptyLot')],
  [/^Expiry date "(.*)" is not a real date/, (t, m) => t('setup.problems.badExpiry', { value: m[1] })],
  [/^GTIN "(.*)" is not 14 digits/, (t, m) => t('setup.problems.badGtin', { value: m[1] })],
  [/^The serial is longer than 20 characters/, (t) => t('setup.problems.serialTooLong')],
];

export function translateListProblem(message: string, t: TFunction): string {
  for (const [pattern, render] of PROBLEM_RULES) {
    const match = pattern.exec(message);
    if (match) return render(t, match);
  }
  return message;
}
