/** Token login: the API token is checked against the API, then kept in localStorage. */
import { type FormEvent, useState } from "react";
import { ApiError, apiGet, setToken } from "../api.js";

/** The login form shown until a valid token is stored. */
export function LoginView() {
  const [token, setValue] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await apiGet("/api/runs?limit=1", token.trim());
      setToken(token.trim());
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <h1>pitcrew</h1>
      <form onSubmit={submit}>
        <label htmlFor="token">API token</label>
        <p className="muted">
          Paste a token with at least the <code>viewer</code> role: the admin token <code>pitcrew serve</code> printed
          on its first start, or one made with <code>POST /api/tokens</code>.
        </p>
        <input
          id="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit" disabled={busy || !token.trim()}>
          {busy ? "Checking…" : "Sign in"}
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
