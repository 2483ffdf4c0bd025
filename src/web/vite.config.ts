/** Vite build of the dashboard: src/web → dist/web (served by src/server/web-ui.ts). */
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = new URL(".", import.meta.url).pathname;

export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  logLevel: "warn",
  build: {
    outDir: new URL("../../dist/web", import.meta.url).pathname,
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
