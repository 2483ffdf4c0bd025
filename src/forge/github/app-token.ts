/**
 * GitHub App authentication: pitcrew signs a JWT with the app's private key (RS256, app id as
 * issuer) and exchanges it for an installation access token (`POST
 * /app/installations/{id}/access_tokens`), through Octokit's app strategy against the
 * configured API base (GitHub Enterprise too). Tokens last an hour; Octokit caches each until
 * shortly before it expires, so every caller gets a valid one and GitHub is asked once an hour.
 *
 * An installation acts as the app's bot account, `<app slug>[bot]`. GitHub refuses `GET /user`
 * to installation tokens, so that login comes from `GET /app`, authenticated with the app's JWT.
 */
import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/rest";
import { ValidationError } from "../../common/errors.js";
import { quietOctokitLog } from "./github-client.js";

/** The credentials of a GitHub App installation. */
export interface GitHubAppCredentials {
  appId: number;
  /** The app's private key (PEM, PKCS#1 or PKCS#8). */
  privateKey: string;
  installationId: number;
}

/** Returns a valid installation token on each call. */
export type TokenSource = () => Promise<string>;

/** An installation's credentials as pitcrew uses them: fresh tokens, and the account they act as. */
export interface InstallationAuth {
  token: TokenSource;
  /** The bot account's login, `<app slug>[bot]` (asked once per call; callers cache it). */
  login(): Promise<string>;
}

/** The installation's token source and login, asking the REST API at `apiUrl`. */
export function installationAuth(apiUrl: string, app: GitHubAppCredentials): InstallationAuth {
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
    log: quietOctokitLog,
    authStrategy: createAppAuth,
    auth: { appId: app.appId, privateKey: app.privateKey, installationId: app.installationId },
  });
  return {
    token: async () => {
      const auth = (await octokit.auth({ type: "installation" })) as { token: string };
      return auth.token;
    },
    login: async () => {
      const { data } = await octokit.request("GET /app");
      return `${data?.slug ?? ""}[bot]`;
    },
  };
}
