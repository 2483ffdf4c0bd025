/**
 * Renders the nginx configuration of the nginx router. Choice: **upstream weights**, one
 * `upstream` block per environment with every upstream of every weighted release as a
 * `server … weight=W`, so nginx's smooth weighted round-robin gives the same deterministic split
 * as the built-in router. A release's weight is split evenly across its upstreams by scaling all
 * weights with the least common multiple of the upstream counts (weight 0 releases are left out,
 * nginx has no weight 0). Trade-off: `proxy_next_upstream error timeout` retries an idempotent
 * request on any other server of the environment, which may belong to the other release.
 */
import type { Backend } from "../traffic-router.js";

/** The access-log line format the router parses: `upstream_addr|status|request_time`. */
export const LOG_FORMAT = "$upstream_addr|$status|$request_time";

/** Path the router probes to learn which config generation the workers run. */
export const GENERATION_PATH = "/__pitcrew/generation";

/** What the config is rendered from. */
export interface NginxConfigInput {
  /** Prefix directory: logs, temp files and the config live there. */
  dir: string;
  host: string;
  /** Increments on every render; answered on `GENERATION_PATH`. */
  generation: number;
  envs: { env: string; port: number; backends: Backend[] }[];
}

/** nginx `server` lines of one environment. */
export function serverLines(backends: Backend[]): string[] {
  const weighted = backends.filter((b) => b.weight > 0 && b.upstreams.length > 0);
  const scale = weighted.reduce((l, b) => lcm(l, b.upstreams.length), 1);
  return weighted.flatMap((b) =>
    b.upstreams.map(
      (u) => `server ${u} weight=${(b.weight * scale) / b.upstreams.length} max_fails=1 fail_timeout=2s;`,
    ),
  );
}

/** The whole nginx.conf. */
export function renderNginxConfig(c: NginxConfigInput): string {
  const envs = c.envs.map(
    ({ env, port, backends }) => `
  upstream env_${env} {
    ${serverLines(backends).join("\n    ")}
    keepalive 64;
  }
  server {
    listen ${c.host}:${port} reuseport;
    location = ${GENERATION_PATH} { access_log off; return 200 "${c.generation}"; }
    location / {
      proxy_pass http://env_${env};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }`,
  );
  return `worker_processes 1;
worker_shutdown_timeout 30s;
events { worker_connections 4096; }
http {
  log_format pitcrew '${LOG_FORMAT}';
  access_log ${c.dir}/access.log pitcrew;
  client_body_temp_path ${c.dir}/tmp/body;
  proxy_temp_path ${c.dir}/tmp/proxy;
  fastcgi_temp_path ${c.dir}/tmp/fastcgi;
  uwsgi_temp_path ${c.dir}/tmp/uwsgi;
  scgi_temp_path ${c.dir}/tmp/scgi;
  keepalive_requests 100000;
${envs.join("\n")}
}
`;
}

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  return (a * b) / gcd(a, b);
}
