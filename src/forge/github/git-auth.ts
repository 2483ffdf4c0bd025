/**
 * Git over HTTPS with a GitHub token, without the token ever being on a command line or in a
 * remote URL: the `http.<url>.extraHeader` setting is passed through git's environment config
 * (`GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`, the same as `git -c` but not
 * visible in `ps`), scoped to the forge's git URL so no other host ever receives it.
 */
import { git } from "../../runner/index.js";

/** The environment that makes git authenticate to `gitUrl` with `token` (Basic x-access-token). */
export function gitAuthEnv(gitUrl: string, token: string): Record<string, string> {
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return {
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: `http.${gitUrl.replace(/\/+$/, "")}/.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
}

/** Pushes `refspecs` from the repository at `cwd` to `url` with the token's credentials. */
export function pushWithToken(
  cwd: string,
  url: string,
  refspecs: string[],
  auth: { gitUrl: string; token: string },
): Promise<string> {
  return git(["push", "--quiet", "--porcelain", "--end-of-options", url, ...refspecs], {
    cwd,
    env: gitAuthEnv(auth.gitUrl, auth.token),
  });
}
