import * as argon2 from 'argon2';

/** argon2id with the library's defaults (64 MiB, 3 passes, 4 lanes), as OWASP recommends. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

let decoy: Promise<string> | undefined;

/**
 * Whether `password` matches `hash`. Without a hash (unknown email) a decoy hash is checked anyway, so the
 * answer takes as long as for a known email and timing does not tell which emails have accounts.
 */
export async function passwordMatches(hash: string | undefined, password: string): Promise<boolean> {
  decoy ??= hashPassword('decoy password for unknown emails');
  const matches = await argon2.verify(hash ?? (await decoy), password).catch(() => false);
  return matches && hash !== undefined;
}
