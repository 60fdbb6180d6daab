// Small panel-state values the host's panel store tests and the webview reducer tests share.
import type { CursorInfo, Prediction } from '../../src/shared/protocol';

export const cursor = (offset: number, version = 1): CursorInfo => ({
  version,
  offset,
  line: 0,
  character: offset,
  before: '',
  next: '',
});

/** A one-candidate prediction with an empty trace. */
export const prediction: Prediction = {
  top: [{ token: 'a', prob: 1 }],
  actual: null,
  hiddenSize: 2,
  layers: 1,
  contextTokens: [],
  trace: [{ values: new Float32Array(0) }],
};
