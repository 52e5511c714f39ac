import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { expect } from 'vitest';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let eslint: ESLint | null = null;

/** ESLint with the project's config, made once per test file. */
export function projectEslint(): ESLint {
  // preload/ or renderer/ may still be empty while the app is being built: don't fail on an empty folder.
  eslint ??= new ESLint({ cwd: repoRoot, errorOnUnmatchedPattern: false });
  return eslint;
}

/**
 * Lints `code` as if it were the file `filePath` (relative to the repository root; the file need not exist), with the
 * project's config: how the lint-rule tests plant code where a rule must (or must not) bite.
 */
export async function lintPlanted(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const eslint = projectEslint();
  const absolute = path.join(repoRoot, filePath);
  expect(await eslint.isPathIgnored(absolute), `${filePath} must not be ignored by the lint config`).toBe(false);
  // `debugger;` is a canary: no-debugger must fire, which proves the file was really linted with the config.
  const [result] = await eslint.lintText(`${code}\ndebugger;\n`, { filePath: absolute });
  expect(result).toBeDefined();
  const messages = result!.messages;
  expect(messages.filter((m) => m.fatal), `parse error in ${filePath}`).toEqual([]);
  expect(messages.some((m) => m.ruleId === 'no-debugger'), `${filePath} was not linted`).toBe(true);
  return messages;
}
