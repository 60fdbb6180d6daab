// Keeps trained models in the extension's storage, one per document URI, with a hash of the text they were trained on.

import * as vscode from 'vscode';
import { sha256Hex } from '../../shared/sha256';
import { isInt, isObject, isString } from '../../shared/validate';

export interface StoredModelMeta {
  uri: string;
  /** sha256 of the document text the model was last trained on. */
  textHash: string;
  savedAt: number;
  /** Held-out bits per character when saved, for the message shown on load. */
  heldOutBpc: number | null;
  steps: number;
}

export interface StoredModel {
  meta: StoredModelMeta;
  json: string;
  weights: ArrayBuffer;
}

const utf8 = new TextEncoder();
const utf8decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

export function textHash(text: string): string {
  return sha256Hex(text);
}

/** A file-name-safe key for a URI. */
export function storeKey(uri: string): string {
  return sha256Hex(uri).slice(0, 32);
}

function parseMeta(raw: unknown): StoredModelMeta | undefined {
  if (!isObject(raw)) return undefined;
  const { uri, textHash: hash, savedAt, heldOutBpc, steps } = raw;
  if (!isString(uri) || !isString(hash) || !/^[0-9a-f]{64}$/.test(hash) || !isInt(savedAt) || !isInt(steps))
    return undefined;
  if (!(heldOutBpc === null || (typeof heldOutBpc === 'number' && Number.isFinite(heldOutBpc)))) return undefined;
  return { uri, textHash: hash, savedAt, heldOutBpc, steps };
}

export class ModelStore {
  constructor(
    private readonly root: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private dir(uri: string): vscode.Uri {
    return vscode.Uri.joinPath(this.root, 'models', storeKey(uri));
  }

  /**
   * Writes the three files into a fresh folder and renames it into place, so two windows saving the same
   * document at once leave one whole model (the last rename), never a mix of the two.
   */
  async save(model: StoredModel): Promise<void> {
    const dir = this.dir(model.meta.uri);
    const staging = vscode.Uri.joinPath(this.root, 'models', `${storeKey(model.meta.uri)}.${crypto.randomUUID()}.tmp`);
    const fs = vscode.workspace.fs;
    try {
      await fs.createDirectory(staging);
      await fs.writeFile(vscode.Uri.joinPath(staging, 'model.json'), utf8.encode(model.json));
      await fs.writeFile(vscode.Uri.joinPath(staging, 'weights.bin'), new Uint8Array(model.weights));
      await fs.writeFile(vscode.Uri.joinPath(staging, 'meta.json'), utf8.encode(JSON.stringify(model.meta)));
      await fs.rename(staging, dir, { overwrite: true });
    } catch (err) {
      await fs.delete(staging, { recursive: true, useTrash: false }).then(undefined, () => undefined);
      throw err;
    }
    this.log.info(`Saved the model for ${model.meta.uri} (${model.weights.byteLength} bytes of weights)`);
  }

  /** The stored model for a URI, or undefined when there is none or it is unreadable (logged, never thrown). */
  async load(uri: string): Promise<StoredModel | undefined> {
    const dir = this.dir(uri);
    const fs = vscode.workspace.fs;
    let metaBytes: Uint8Array;
    try {
      metaBytes = await fs.readFile(vscode.Uri.joinPath(dir, 'meta.json'));
    } catch {
      return undefined; // nothing saved
    }
    try {
      const meta = parseMeta(JSON.parse(utf8decode(metaBytes)));
      if (!meta || meta.uri !== uri) throw new Error('the index entry is malformed or belongs to another document');
      const json = utf8decode(await fs.readFile(vscode.Uri.joinPath(dir, 'model.json')));
      const bytes = await fs.readFile(vscode.Uri.joinPath(dir, 'weights.bin'));
      const weights = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      return { meta, json, weights };
    } catch (err) {
      this.log.warn(`Ignoring the unreadable saved model for ${uri}: ${(err as Error).message}`);
      return undefined;
    }
  }

  async delete(uri: string): Promise<void> {
    try {
      await vscode.workspace.fs.delete(this.dir(uri), { recursive: true, useTrash: false });
    } catch {
      // nothing to delete
    }
  }
}
