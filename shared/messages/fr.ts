import type { Translation } from './catalogue';

/** French for every message of ./en.ts (a key missing here fails `tsc`; tests/unit/messages checks the parameters). */
export const fr: Translation = {
  session: {
    administratorExists: 'Un administrateur existe déjà. Connectez-vous.',
    wrongCredentials: 'Identifiant ou mot de passe incorrect.',
    wrongCredentialsAttempts_one: 'Identifiant ou mot de passe incorrect. Encore {{count}} essai avant le blocage du compte.',
    wrongCredentialsAttempts_other: 'Identifiant ou mot de passe incorrect. Encore {{count}} essais avant le blocage du compte.',
    deactivated: 'Ce compte est désactivé. Adressez-vous à un administrateur.',
    nobodyLoggedIn: "Personne n'est connecté à cette fenêtre.",
    wrongUnlockPassword: "Mot de passe incorrect pour {{name}}. Quelqu'un d'autre ? Déconnectez puis connectez-vous sous votre nom.",
    accountGone: "Votre compte n'existe plus.",
    currentPasswordWrong: 'Le mot de passe actuel est incorrect.',
    samePassword: "Choisissez un nouveau mot de passe différent de l'actuel.",
    notLoggedIn: "Vous n'êtes pas connecté. Connectez-vous pour continuer.",
    temporaryPassword: 'Vous utilisez encore un mot de passe temporaire : choisissez votre propre mot de passe avant toute autre chose.',
    windowLocked: 'Cette fenêtre est verrouillée. Déverrouillez-la avec votre mot de passe pour continuer.',
    roleForbids: 'Votre rôle ne permet pas cette action.',
    logInToSign: 'Connectez-vous pour signer.',
  },
  users: {
    usernameTaken: "L'identifiant « {{username}} » est déjà pris.",
    cannotDeactivateSelf: 'Vous ne pouvez pas désactiver votre propre compte.',
    noSuchUser: "Il n'y a pas d'utilisateur {{id}} : actualisez la liste.",
  },
  signatures: {
    notLoggedIn: "Vous n'êtes pas connecté.",
    firstSignature: 'Première signature de cette session : saisissez votre identifiant et votre mot de passe.',
    ownUsername: "Seul l'utilisateur connecté peut signer. Signez avec votre propre identifiant.",
    wrongPassword: "Mot de passe incorrect : la signature n'a pas été faite et rien n'a été modifié.",
  },
  patients: {
    chooseStratum: 'Choisissez la strate : {{strata}}.',
    tooYoung: "Cette étude inclut des patients de {{age}} ans ou plus ; vérifiez l'année de naissance.",
    screeningTaken: 'Le numéro de screening {{screening}} est déjà inscrit.',
    withdrawn: "Le patient {{screening}} est sorti d'étude.",
    alreadyRandomized: 'Le patient {{screening}} est déjà randomisé ({{number}}).',
    noSlotLeft: 'Il ne reste aucun numéro de randomisation dans la strate {{stratum}}. Demandez une extension de liste au promoteur.',
    alreadyWithdrawn: "Le patient {{screening}} est déjà sorti d'étude.",
    noSuchPatient: "Il n'y a pas de patient {{id}} : actualisez la liste.",
  },
  fields: {
    wrongPassword: 'Mot de passe incorrect',
    sameAsCurrent: 'Identique au mot de passe actuel',
    enterUsername: 'Saisissez votre identifiant',
    notLoggedInUser: "Ce n'est pas l'utilisateur connecté",
    chooseAStratum: "Choisissez une strate de l'étude",
    under: 'Moins de {{age}} ans',
  },
};
