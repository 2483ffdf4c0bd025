import type { App } from "../app/app.js";
import type { OpenApiPaths } from "./route.js";

/** What each routes file receives. */
export interface RouteContext {
  app: App;
  paths: OpenApiPaths;
}
