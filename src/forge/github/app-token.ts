/**
 * GitHub App authentication: pitcrew signs a JWT with the app's private key (RS256, app id as
 * issuer) and exchanges it for an installation access token (`POST
 * /app/installations/{id}/access_tokens`), through Octokit's app strategy against the
 * configured API base (GitHub Enterprise too). Tokens last an hour; Octokit caches each until
 * shortly before it expires, so every caller gets a valid one and GitHub is asked once an hour.
 */
import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/rest";
import { ValidationError } from "../../common/errors.js";

/** The credentials of a GitHub App installation. */
export interface GitHubAppCredentials {
  appId: number;
  /** The app's private key (PEM, PKCS#1 or PKCS#8). */
  privateKey: string;
  installationId: number;
}

/** Returns a valid installation token on each call. */
export type TokenSource = () => Promise<string>;

/** A token source for the installation, asking the REST API at `apiUrl`. */
export function installationTokenSource(apiUrl: string, app: GitHubAppCredentials): TokenSource {
  if (!Number.isInteger(app.appId) || app.appId <= 0)
    throw new ValidationError("GitHub App id must be a positive integer");
  if (!Number.isInteger(app.installationId) || app.installationId <= 0) {
    throw new ValidationError("GitHub App installation id must be a positive integer");
  }
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(app.privateKey)) {
    throw new ValidationError("the GitHub App private key is not a PEM private key");
  }
  const octokit = new Octokit({
    baseUrl: apiUrl.replace(/\/+$/, ""),
    userAgent: "pitcrew",
    authStrategy: createAppAuth,
    auth: { appId: app.appId, privateKey: app.privateKey, installationId: app.installationId },
  });
  return async () => {
    const auth = (await octokit.auth({ type: "installation" })) as { token: string };
    return auth.token;
  };
}
