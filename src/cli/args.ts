// Command-line arguments shared by the engine's CLI tools: positional words and `--name value` options.

export interface Args {
  pos: string[];
  opt: Map<string, string>;
}

/** Splits argv into positionals and `--name value` pairs (a trailing `--name` gets ''). */
export function parseArgs(argv: string[]): Args {
  const pos: string[] = [];
  const opt = new Map<string, string>();
  for (let k = 0; k < argv.length; k++) {
    if (argv[k].startsWith('--')) opt.set(argv[k].slice(2), argv[++k] ?? '');
    else pos.push(argv[k]);
  }
  return { pos, opt };
}

/** A numeric option, or its default; throws naming the option when it is not a (positive, if asked) number. */
export function numberOption(opt: Map<string, string>, key: string, dflt: number, positive = false): number {
  const v = opt.get(key);
  if (v === undefined) return dflt;
  const x = Number(v);
  if (!Number.isFinite(x) || (positive && x <= 0))
    throw new Error(`--${key} takes a ${positive ? 'positive ' : ''}number, got ${JSON.stringify(v)}`);
  return x;
}
