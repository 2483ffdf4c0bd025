/** A React hook that loads one API document and reloads it on demand. */
import { useCallback, useEffect, useState } from "react";
import { ApiError, apiGet } from "./api.js";

/** What `useApi` returns: the last data, the last error and `reload`. */
export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/** Loads `path` (GET) now and whenever `path` changes or `reload` is called; `null` loads nothing. */
export function useApi<T>(path: string | null): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` forces a reload
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setLoading(true);
    apiGet<T>(path)
      .then((d) => {
        if (!current) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (current) setError(e instanceof ApiError ? e : new ApiError(0, "client", String(e)));
      })
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [path, tick]);
  return { data, error, loading, reload };
}
