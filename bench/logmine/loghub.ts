/**
 * The Loghub 2k systems the log-mining benchmark reads from `../shared/data/loghub-2k/` (relative
 * to the repository root; never copied into it), with Loghub's standard header formats and Drain's
 * published grouping accuracy (He et al., ICWS 2017, via the data README).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** Where the Loghub 2k folders are. */
export const LOGHUB_DIR = resolve(import.meta.dirname, "../../../shared/data/loghub-2k");

/** One benchmark system: its folder name, header format and Drain's published GA. */
export interface LoghubSystem {
  name: string;
  format: string;
  drainGA: number;
}

/** The ten systems, in the order of the data README. */
export const SYSTEMS: LoghubSystem[] = [
  { name: "HDFS", format: "<Date> <Time> <Pid> <Level> <Component>: <Content>", drainGA: 0.9975 },
  { name: "Hadoop", format: "<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>", drainGA: 0.9475 },
  { name: "Spark", format: "<Date> <Time> <Level> <Component>: <Content>", drainGA: 0.92 },
  { name: "Zookeeper", format: "<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>", drainGA: 0.9665 },
  {
    name: "BGL",
    format: "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>",
    drainGA: 0.9625,
  },
  { name: "HPC", format: "<LogId> <Node> <Component> <State> <Time> <Flag> <Content>", drainGA: 0.887 },
  { name: "Windows", format: "<Date> <Time>, <Level>                  <Component>    <Content>", drainGA: 0.997 },
  { name: "Android", format: "<Date> <Time>  <Pid>  <Tid> <Level> <Component>: <Content>", drainGA: 0.911 },
  { name: "OpenSSH", format: "<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>", drainGA: 0.7875 },
  {
    name: "Mac",
    format: "<Month>  <Date> <Time> <User> <Component>\\[<PID>\\]( \\(<Address>\\))?: <Content>",
    drainGA: 0.7865,
  },
];

/**
 * The other six Loghub 2k systems, for a hold-out check when a Loghub checkout is given with
 * `--extra <dir>` (they are not in the shared data). Drain figures from Zhu et al., ICSE-SEIP 2019.
 */
export const EXTRA_SYSTEMS: LoghubSystem[] = [
  { name: "Apache", format: "\\[<Time>\\] \\[<Level>\\] <Content>", drainGA: 1.0 },
  { name: "HealthApp", format: "<Time>\\|<Component>\\|<Pid>\\|<Content>", drainGA: 0.78 },
  { name: "Linux", format: "<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>", drainGA: 0.69 },
  { name: "Proxifier", format: "\\[<Time>\\] <Program> - <Content>", drainGA: 0.527 },
  {
    name: "Thunderbird",
    format: "<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\\[<PID>\\])?: <Content>",
    drainGA: 0.955,
  },
  {
    name: "OpenStack",
    format: "<Logrecord> <Date> <Time> <Pid> <Level> <Component> \\[<ADDR>\\] <Content>",
    drainGA: 0.733,
  },
];

/** A system's raw lines and each line's true `EventId` (from `*_structured.csv`). */
export function readSystem(name: string, dir = LOGHUB_DIR): { lines: string[]; truth: string[] } {
  const lines = readFileSync(join(dir, name, `${name}_2k.log`), "utf8").split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  const rows = readFileSync(join(dir, name, `${name}_2k.log_structured.csv`), "utf8").split(/\r?\n/);
  const header = parseCsvRow(rows[0]!);
  const col = header.indexOf("EventId");
  const truth = rows
    .slice(1)
    .filter((r) => r !== "")
    .map((r) => parseCsvRow(r)[col]!);
  if (truth.length !== lines.length) throw new Error(`${name}: ${lines.length} lines but ${truth.length} labels`);
  return { lines, truth };
}

/** Splits one CSV row (RFC 4180 quoting, no embedded newlines). */
export function parseCsvRow(row: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i]!;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (row[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}
