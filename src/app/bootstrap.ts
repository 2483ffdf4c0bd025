import type { App } from "./app.js";

/**
 * On the very first start (no token ever created) makes an admin token and returns its secret,
 * to be shown once; only its hash is stored. Returns undefined on later starts.
 */
export async function bootstrapAdminToken(app: App): Promise<string | undefined> {
  if ((await app.store.tokens.count()) > 0) return undefined;
  const { token } = await app.store.tokens.create("bootstrap-admin", "admin");
  await app.events.emit("token.bootstrapped", { kind: "server" }, { name: "bootstrap-admin" });
  return token;
}
