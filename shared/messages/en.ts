/**
 * What Veil says to the person at the bench when it refuses or fails a step, by key (issue 17, item 2): the core
 * throws a key with its parameters, the renderer shows it in the user's language, and the English text below is also
 * the error's `message` for logs, the command line and tests. i18next's syntax: `{{name}}` for a parameter, the
 * suffixes `_one`/`_other` for a count (`count`). French is in ./fr.ts and must have every key (the compiler checks).
 *
 * Keys are grouped by workflow; a group moves here from English prose in the services as its workflow is rewritten.
 */
export const en = {
  session: {
    administratorExists: 'An administrator already exists. Log in instead.',
    wrongCredentials: 'Wrong username or password.',
    wrongCredentialsAttempts_one: 'Wrong username or password. {{count}} attempt left before the account is locked.',
    wrongCredentialsAttempts_other: 'Wrong username or password. {{count}} attempts left before the account is locked.',
    deactivated: 'This account is deactivated. Ask an administrator.',
    nobodyLoggedIn: 'Nobody is logged in to this window.',
    wrongUnlockPassword: 'Wrong password for {{name}}. Someone else? Log out and log in as yourself.',
    accountGone: 'Your account no longer exists.',
    currentPasswordWrong: 'The current password is wrong.',
    samePassword: 'Choose a new password different from the current one.',
    notLoggedIn: 'You are not logged in. Log in to continue.',
    temporaryPassword: 'You are still using a temporary password: choose your own password before doing anything else.',
    windowLocked: 'This window is locked. Unlock it with your password to continue.',
    roleForbids: 'Your role ({{role}}) does not allow this: {{what}}',
    logInToSign: 'Log in to sign.',
  },
  users: {
    usernameTaken: 'The username "{{username}}" is already taken.',
    cannotDeactivateSelf: 'You cannot deactivate your own account.',
    noSuchUser: 'There is no user with id {{id}}: reload the list.',
  },
  signatures: {
    notLoggedIn: 'You are not logged in.',
    firstSignature: 'First signature of this session: enter your username and your password.',
    ownUsername: 'A signature can only be made by the logged-in user. Sign with your own username.',
    wrongPassword: 'Wrong password: the signature was not made and nothing was changed.',
  },
  /** The allocation key: its set-up, its custody, the credentials that guard it. */
  allocation: {
    keyNotSetUp: 'The allocation key is not set up yet: set up the study first.',
    sessionWithoutKey: 'This session does not hold the allocation key. If you were just granted access, log out and log in again; otherwise ask an unblinded colleague to grant you access.',
    keyAlreadySetUp: 'The allocation key is already set up for this study.',
    keyPairMissing: 'Your key pair is missing: log out and log in again, then retry.',
    targetDeactivated: '{{name}} is deactivated.',
    blindedTarget: '{{name}} has a blinded role and can never receive the allocation key.',
    mustChooseOwnPassword: '{{name}} must log in and choose their own password before access can be granted.',
    registerWrongPassword: 'Wrong password: the register stays closed.',
    lockedOut_one: 'Too many wrong passwords: this account is locked for {{count}} more minute. An administrator can unlock it by resetting the password.',
    lockedOut_other: 'Too many wrong passwords: this account is locked for {{count}} more minutes. An administrator can unlock it by resetting the password.',
    codeBreakLocked_one: 'Too many wrong code-break passphrases: code-break for this study is locked for {{count}} more minute.',
    codeBreakLocked_other: 'Too many wrong code-break passphrases: code-break for this study is locked for {{count}} more minutes.',
  },
  /** The sponsor's randomization and kit lists: each problem a check finds on a line, and the import's refusals. */
  lists: {
    noStudy: 'No study is loaded in this database yet.',
    refused_one: '{{file}}: {{count}} problem found; nothing was imported.',
    refused_other: '{{file}}: {{count}} problems found; nothing was imported.',
    empty: 'The file is empty.',
    encodingCut: 'The file starts as {{encoding}} text but has an odd number of bytes: it is cut or damaged. Save it from the spreadsheet as "CSV UTF-8" and choose it again.',
    encodingInvalid: 'The file starts as {{encoding}} text but is not valid {{encoding}}: it is damaged. Save it from the spreadsheet as "CSV UTF-8" and choose it again.',
    utf8Invalid: 'The file starts as UTF-8 text but is not valid UTF-8: it is damaged or was edited in another encoding. Save it from the spreadsheet as "CSV UTF-8" and choose it again.',
    controlCharacter: 'The file has a control character ({{code}}): it is not a text list, or not in an encoding Veil reads (UTF-8, UTF-16 with BOM, Windows-1252).',
    csvFormat: 'CSV format: {{detail}}',
    noHeader: 'The file has no header line.',
    missingColumn: 'Missing column "{{column}}".',
    unknownColumn: 'Unknown column "{{column}}".',
    columnTwice: 'Column "{{column}}" appears twice.',
    fieldCount_one: 'Expected {{count}} fields, found {{found}}.',
    fieldCount_other: 'Expected {{count}} fields, found {{found}}.',
    noRows: 'The file has a header but no rows.',
    badRandomizationNumber: 'Randomization number "{{value}}" is empty or has characters other than letters, digits, . _ / -.',
    duplicateRandomizationNumber: 'Duplicate randomization number {{value}} (first on line {{line}}).',
    randomizationNumberImported: 'Randomization number {{value}} is already imported.',
    unknownArm: 'Unknown arm "{{value}}": the study\'s arms are {{arms}}.',
    emptyBlock: 'The block is empty.',
    unknownStratum: 'Unknown stratum "{{value}}": the study\'s strata are {{strata}}.',
    badKitNumber: 'Kit number "{{value}}" is empty or has characters other than letters, digits, . _ / -.',
    duplicateKitNumber: 'Duplicate kit number {{value}} (first on line {{line}}).',
    kitImported: 'Kit {{value}} is already imported.',
    lotTooLong: 'Lot "{{value}}" is longer than 20 characters (GS1 AI 10).',
    emptyLot: 'The lot is empty.',
    badExpiry: 'Expiry date "{{value}}" is not a real date in YYYY-MM-DD or DD/MM/YYYY.',
    badGtin: 'GTIN "{{value}}" is not 14 digits with a valid check digit.',
    serialTooLong: 'The serial is longer than 20 characters (GS1 AI 21).',
    leadingZeros:
      "Kit numbers have {{from}} to {{to}} digits ({{short}} on line {{shortLine}}, {{long}} on line {{longLine}}) and none starts with 0: a spreadsheet may have removed leading zeros. Compare with the sponsor's list before importing.",
    useBeforeNoCommon: 'Expiry dates do not reveal arms: every kit shows its own date, and there is no common date to confirm.',
    useBeforeStale: 'The stock now calls for use-before date {{proposed}}, not {{given}}: review it again.',
    useBeforeInForce: 'Use-before date {{date}} is already in force on every kit.',
  },
  patients: {
    chooseStratum: 'Choose the stratum: {{strata}}.',
    tooYoung: 'This study enrols patients aged {{age}} or over; check the year of birth.',
    screeningTaken: 'Screening number {{screening}} is already registered.',
    withdrawn: 'Patient {{screening}} is withdrawn.',
    alreadyRandomized: 'Patient {{screening}} is already randomized ({{number}}).',
    noSlotLeft: 'No randomization number is left in stratum {{stratum}}. Ask the sponsor for a list extension.',
    alreadyWithdrawn: 'Patient {{screening}} is already withdrawn.',
    noSuchPatient: 'There is no patient {{id}}: reload the list.',
  },
  /** Short texts for one field of a form (the issue under the field). */
  fields: {
    wrongPassword: 'Wrong password',
    sameAsCurrent: 'Same as the current password',
    enterUsername: 'Enter your username',
    notLoggedInUser: 'Not the logged-in user',
    chooseAStratum: 'Choose a stratum of the study',
    under: 'Under {{age}}',
  },
} as const;

export type EnglishMessages = typeof en;
