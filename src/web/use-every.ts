/** A React hook that calls a function every few seconds while the page is visible. */
import { useEffect, useRef } from "react";

/** Calls `fn` every `ms` milliseconds, skipping the ticks when the page is hidden. */
export function useEvery(ms: number, fn: () => void): void {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    const timer = setInterval(() => {
      if (!document.hidden) latest.current();
    }, ms);
    return () => clearInterval(timer);
  }, [ms]);
}
