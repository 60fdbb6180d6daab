// The shipped base model for the command-line tools (media/base beside out/), and the --start option that picks it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadBase, type BaseModel } from '../model/base/baseFile';

/** media/base of the checkout (the tools run from out/cli/). */
export const SHIPPED_BASE_DIR = path.join(__dirname, '../../media/base');

/** The base in `dir` (default: the shipped one); throws "Refusing base model: …" or a missing-file error. */
export function readBase(dir = SHIPPED_BASE_DIR): BaseModel {
  const json = fs.readFileSync(path.join(dir, 'base.json'), 'utf8');
  const bytes = fs.readFileSync(path.join(dir, 'base.f16.bin'));
  return loadBase(json, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** `--start base|scratch` (default base, as the extension's lstmLens.startFrom); `--base DIR` picks another base. */
export function startOption(opt: Map<string, string>): BaseModel | null {
  const start = opt.get('start') ?? 'base';
  if (start === 'scratch') return null;
  if (start !== 'base') throw new Error(`--start takes base or scratch, got ${JSON.stringify(start)}`);
  return readBase(opt.get('base') ?? SHIPPED_BASE_DIR);
}
