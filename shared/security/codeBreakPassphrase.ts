/**
 * The emergency code-break passphrase as people read it (issue 11, item 9): from the sealed envelope, aloud over the
 * phone, and typed back. It is shown in groups of 4 characters; what is typed back may keep or drop the separators
 * (spaces or dashes) and use any case (main/core/crypto/keyCustody.ts normalizePassphrase).
 */
export const PASSPHRASE_GROUP_LENGTH = 4;

/** The passphrase's characters in groups of 4 (the last may be shorter), upper case, separators dropped. */
export function passphraseGroups(passphrase: string): string[] {
  const characters = passphrase.toUpperCase().replace(/[\s-]/g, '');
  const groups: string[] = [];
  for (let i = 0; i < characters.length; i += PASSPHRASE_GROUP_LENGTH) groups.push(characters.slice(i, i + PASSPHRASE_GROUP_LENGTH));
  return groups;
}

/** "7KQM-3XZP-...": the groups joined by dashes, as printed for the envelope. */
export function passphraseForReading(passphrase: string): string {
  return passphraseGroups(passphrase).join('-');
}
