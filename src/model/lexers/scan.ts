// The lexers' front door: which family a VS Code language id belongs to, and all features of a token
// sequence for it. The families live one a file beside this one.
import { CLIKE_LANGUAGES, cLikeOptions, scanCLike } from './cLike';
import { layoutFeatures, type FeatureTable, type LanguageFamily } from './features';
import { scanProse } from './prose';
import { PYTHON_LANGUAGES, scanPython } from './python';
import { SHELL_LANGUAGES, scanShell } from './shell';

export { featuresOf, type FeatureTable, type LanguageFamily } from './features';

/** The lexer family for a VS Code language id (unknown ids are treated as prose). */
export function familyOf(languageId: string): LanguageFamily {
  const id = languageId.toLowerCase();
  if (id in CLIKE_LANGUAGES) return 'c-like';
  if (PYTHON_LANGUAGES.has(id)) return 'python';
  if (SHELL_LANGUAGES.has(id)) return 'shell';
  return 'prose';
}

/** All features of a family for a token sequence. */
export function scanFeatures(syms: Int32Array, languageId: string): { family: LanguageFamily; table: FeatureTable } {
  const family = familyOf(languageId);
  const table: FeatureTable = {};
  layoutFeatures(syms, table);
  if (family === 'c-like') Object.assign(table, scanCLike(syms, cLikeOptions(languageId)));
  else if (family === 'python') Object.assign(table, scanPython(syms));
  else if (family === 'shell') Object.assign(table, scanShell(syms));
  else Object.assign(table, scanProse(syms));
  return { family, table };
}
