// What the model says at a position: the next-token candidates and the gate trace behind them.

/** One candidate next token. */
export interface TokenProbability {
  token: string;
  prob: number;
}

/** The token actually next in the document, with its probability, 1-based rank and surprisal. */
export interface ActualToken {
  token: string;
  prob: number;
  rank: number;
  bits: number;
}

/** The gate and state values of one layer, for one position or a window of positions. */
export interface LayerTrace {
  /** Time-major, (T, 6, H) flattened: per position the rows i, f, g, o, c, h of H units each. */
  values: Float32Array;
}

export interface Prediction {
  /** Top-k next tokens, most probable first. */
  top: TokenProbability[];
  actual: ActualToken | null;
  hiddenSize: number;
  layers: number;
  /** The tokens (characters) of the context window, oldest first; the last one is just before the cursor. */
  contextTokens: string[];
  /** One trace per layer, covering contextTokens. */
  trace: LayerTrace[];
}

/** A change to the document text, in UTF-16 offsets of the version before it, applied in order. */
export interface TextEdit {
  offset: number;
  deleteCount: number;
  text: string;
}
