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
  /** Emergency unblinding (code break) and the sponsor's notification. */
  emergency: {
    noSuchPatient: 'There is no patient {{id}}.',
    notRandomized: 'Patient {{screening}} is not randomized: there is no treatment to reveal.',
    sponsorAlreadyRecorded: "The sponsor's notification of the unblinding of patient {{screening}} is already recorded.",
    noSuchUnblinding: 'There is no emergency unblinding {{id}}.',
  },
  /** Receiving shipments and deciding on kits in quarantine. The counts read "kits" in both forms, as they always did. */
  receiving: {
    noKitColumn: 'The manifest has no "kit_number" column.',
    needsKits: 'A shipment needs at least one kit.',
    kitsRefused_one: '{{count}} kits cannot be in this shipment; nothing was created.',
    kitsRefused_other: '{{count}} kits cannot be in this shipment; nothing was created.',
    kitNotInList: '{{kit}}: not in the kit list',
    kitInOtherShipment: '{{kit}}: already in another shipment',
    referenceTaken: 'A shipment "{{reference}}" already exists.',
    kitNotInShipment: 'Kit {{kit}} is not in shipment {{shipment}}.',
    notAllAccounted_one: '{{count}} kits of shipment {{shipment}} are neither scanned nor marked damaged or missing.',
    notAllAccounted_other: '{{count}} kits of shipment {{shipment}} are neither scanned nor marked damaged or missing.',
    describeAlarm: 'Describe the temperature alarm (what the monitor showed).',
    describeAlarmShort: 'Describe the alarm',
    notInQuarantine: 'Kit {{kit}} is not in quarantine.',
    releaseNeedsKey: 'Releasing a kit from quarantine needs the allocation key, to check its real expiry date.',
    kitExpiredNoRelease: 'Kit {{kit}} is expired or short-dated: it cannot be released.',
    kitLabelShortDated: 'Kit {{kit}} carries use-before date {{date}}, which is short-dated: confirm the new use-before date before releasing it.',
    alreadyClosed: 'Shipment {{shipment}} is already closed.',
    noSuchShipment: 'There is no shipment {{id}}.',
  },
  /** Patient returns: recording, correcting and verifying them. */
  returns: {
    unknownKit: 'Kit {{kit}} is not in the kit list.',
    neverDispensed: 'Kit {{kit}} was never dispensed, so it cannot be a patient return.',
    otherPatient: 'Kit {{kit}} was dispensed to patient {{patient}}, not to this patient. Check the bag.',
    tooManyUnits_one: 'A kit holds {{count}} unit; {{units}} cannot come back.',
    tooManyUnits_other: 'A kit holds {{count}} units; {{units}} cannot come back.',
    atMost_one: 'At most {{count}}',
    atMost_other: 'At most {{count}}',
    missingNoUnit: 'A missing kit brings back no unit.',
    zeroForMissing: 'Must be 0 for a missing kit',
    atLeastOne: 'Record at least one unit, or mark the kit missing.',
    atLeastOneShort: 'At least 1',
    noteForMissing: 'Say what the patient said about the missing kit.',
    noteNeeded: 'Needed for a missing kit',
    alreadyRecorded: 'The return of kit {{kit}} is already recorded; edit it instead.',
    noReturn: 'No return is recorded for kit {{kit}}.',
    missingSwitch: 'A missing kit and a returned kit have different statuses: record the change as a new finding with the sponsor (the kit status cannot be reversed here).',
    missingNotVerifiable: 'Kit {{kit}} was recorded as missing: there is no kit to check, so it cannot be verified. Its discrepancy is commented at sign-off.',
  },
  /** Destroying kits, witnessed. The status is the kit list's word, as it always was. */
  destruction: {
    witnessWrong: "The witness's username or password is wrong: nothing was destroyed.",
    witnessWrongShort: 'Wrong witness credentials',
    witnessSelf: 'The witness must be another person than the one destroying the kits.',
    witnessSelfShort: 'Another person',
    dateFuture: 'The destruction date cannot be in the future.',
    dateFutureShort: 'In the future',
    unknownKit: 'Kit {{kit}} is not in the kit list.',
    notDestroyable: 'Kit {{kit}} is {{status}}: only returned, expired or damaged kits are destroyed.',
    notVerified: 'Kit {{kit}} is a patient return the monitor has not verified yet: it cannot be destroyed before its verification.',
    noSuchDestruction: 'There is no destruction {{id}}.',
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
