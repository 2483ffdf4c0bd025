/** The edges of the dependency graph as a table: the keyboard and screen-reader view of the graph. */
import { formatPercent } from "../format.js";
import { Link } from "../router.js";
import type { DependencyEdge } from "../types.js";

/** A table of `edges` with `caption`; service names link to their pages. */
export function EdgeTable({ edges, caption }: { edges: DependencyEdge[]; caption: string }) {
  const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Caller</th>
          <th scope="col">Callee</th>
          <th scope="col">Calls</th>
          <th scope="col">Calls/min</th>
          <th scope="col">Errors</th>
          <th scope="col">p50</th>
          <th scope="col">p99</th>
        </tr>
      </thead>
      <tbody>
        {edges.map((e) => (
          <tr key={`${e.from}>${e.to}`}>
            <td>
              <Link href={`/services/${encodeURIComponent(e.from)}`}>{e.from}</Link>
            </td>
            <td>
              <Link href={`/services/${encodeURIComponent(e.to)}`}>{e.to}</Link>
            </td>
            <td>{e.calls}</td>
            <td>{e.callsPerMinute.toFixed(1)}</td>
            <td className={e.errors > 0 ? "error" : undefined}>
              {e.errors} ({formatPercent(e.errorRate)})
            </td>
            <td>{ms(e.p50Ms)}</td>
            <td>{ms(e.p99Ms)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
