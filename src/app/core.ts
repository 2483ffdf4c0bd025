import type { App } from "./app.js";

/** The parts every App has, from which the optional parts are built. */
export type Core = Omit<App, "observation" | "incidents" | "delivery" | "healing" | "testSelection" | "close">;
