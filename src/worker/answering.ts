// How a worker call fails: a Refusal is said to the user as it is; any other error is named after its method.

/** A refusal in words for the user, answered as it is (any other error is prefixed with the method). */
export class Refusal extends Error {}

export const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs one answer: refusals as they are, anything else as "<method> failed: …". */
export async function answering<R>(method: string, work: () => Promise<R> | R): Promise<R> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof Refusal) throw e;
    throw new Error(`${method} failed: ${errText(e)}`);
  }
}
