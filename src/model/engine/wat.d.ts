// A .wat file imported into a bundle arrives as its compiled bytes (scripts/build.mjs compiles it with wabt). Ambient:
// each tsconfig whose files reach engine/kernels.ts includes this file.
declare module '*.wat' {
  const bytes: Uint8Array;
  export default bytes;
}
