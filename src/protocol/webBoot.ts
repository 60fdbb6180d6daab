// The first message a web host posts to its trainer worker, before any envelope: the .wasm binaries (a
// Web Worker started from a blob may not fetch them: the host's content policy has no blob:/data: in
// connect-src) and whether the page is cross-origin isolated.
import * as v from 'valibot';
import { schemaFor } from './schema';

export interface WebBoot {
  boot: 'lstm-lens';
  /** tfjs-backend-wasm's binaries by file name. */
  files: Record<string, ArrayBuffer>;
  /** crossOriginIsolated in the extension host (SharedArrayBuffer exists only then). */
  isolated: boolean;
}

export const webBoot = schemaFor<WebBoot>()(
  v.object({
    boot: v.literal('lstm-lens'),
    files: v.record(v.string(), v.instance(ArrayBuffer)),
    isolated: v.boolean(),
  }),
);
