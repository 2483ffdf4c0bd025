/**
 * NAB's scaled sigmoid (`nab/sweeper.py`): maps a relative position to a reward in (-1, 1).
 * -1 is a window's left edge (≈ 0.987), 0 its right edge (0), positive values lie past the window
 * and are penalties that approach -1; anything beyond 3 window-lengths is exactly -1.
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3) return -1;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

/** The reward of a detection at a window's left edge; NAB divides true-positive rewards by it. */
export const MAX_TP = scaledSigmoid(-1);
