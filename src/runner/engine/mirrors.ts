import { join } from "node:path";

/** Where the bare mirror of project `projectId`'s repository lives in the data dir. */
export function mirrorDir(dataDir: string, projectId: number): string {
  return join(dataDir, "repos", `${projectId}.git`);
}
