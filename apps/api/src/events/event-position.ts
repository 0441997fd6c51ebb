/**
 * A position in the global event log: the writing transaction's id and the event's sequence.
 * Written "<txId>.<seq>"; "0.0" is the beginning.
 */
export interface EventPosition {
  txId: bigint;
  seq: bigint;
}

export const START_POSITION: EventPosition = { txId: 0n, seq: 0n };

export function formatPosition(p: EventPosition): string {
  return `${p.txId}.${p.seq}`;
}

export function parsePosition(s: string): EventPosition | null {
  const m = /^(\d{1,20})\.(\d{1,20})$/.exec(s);
  if (!m) return null;
  return { txId: BigInt(m[1]), seq: BigInt(m[2]) };
}

export function comparePositions(a: EventPosition, b: EventPosition): number {
  if (a.txId !== b.txId) return a.txId < b.txId ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}
