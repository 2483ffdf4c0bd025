/**
 * Drain (He et al., "Drain: An Online Log Parsing Approach with Fixed Depth Tree", ICWS 2017),
 * streaming, one message at a time, with two changes that make one default configuration work
 * across systems.
 *
 * A message arrives as tokens in which generic variables are already masked to `<*>` (`mask.ts`).
 * It walks a tree of fixed depth:
 *   1. the first layer is keyed by the token count: messages of one event usually have the same
 *      length, so clusters are only ever compared with clusters of their own length;
 *   2. the next `depth - 2` layers are keyed by the message's first tokens, one layer each. A token
 *      that holds a `<*>` or a digit is probably a variable, so it goes to the `<*>` child; a layer
 *      that already has `maxChildren` children sends new tokens to `<*>` too, which bounds fan-out;
 *   3. the leaf holds a list of clusters (event templates). The message joins the most similar one
 *      when the similarity reaches the `similarity` threshold, else it starts a new cluster whose
 *      template is the message itself. Ties go to the template with more equal tokens, then to the
 *      older one. A leaf of many clusters indexes them by token position, so a message is only
 *      compared with the clusters that equal it somewhere it must (see `candidates`);
 *   4. joining generalises the template: every position where template and message disagree
 *      becomes `<*>`.
 * Similarity is the share of the message's *unmasked* tokens that equal the template token at the
 * same position. The reference divides by all tokens, so a message made mostly of masked values
 * scores low even against its own template and the threshold has to be tuned per system; leaving
 * known variables out makes the score mean "how many of the words agree" whatever the share of
 * numbers, ids and addresses. A template position that was generalised to `<*>` does not count as
 * agreeing with a word, as in the reference.
 * Frozen constants: once a cluster holds `freezeAfter` messages, a position that has never varied
 * and holds no `<*>` (so not `<*>` nor a partly masked `blk_<*>`) is taken to be a constant and a message that differs there cannot join (it starts or joins a
 * sibling). By the rule of three, a position unchanged over 100 messages changes in fewer than 3 %
 * of messages with 95 % confidence, so a differing word there is far more likely another event
 * (`... by client SPP.` beside 600 `... by client WindowsUpdateAgent.`) than a new value of a
 * variable. The cost is that a variable with one dominant value may split off its rare values.
 *
 * Each cluster gets an id when it is created, the hex FNV-1a hash of its first template (with a
 * `-n` suffix in the unlikely case of a collision), and keeps it while its template generalises:
 * the same input gives the same ids in every run. At most `maxClusters` clusters are kept; the
 * least recently matched one is forgotten when a new one would exceed the cap. `snapshot()` gives the
 * tree as plain JSON (each cluster with the route it was filed under) and `restore()` rebuilds it
 * exactly: a restored tree assigns every later message as the original would.
 */
import { WILDCARD } from "./mask.js";

/** Tuning of the Drain tree. The defaults are the one configuration used everywhere. */
export interface DrainOptions {
  /** Tree depth including the root and the length layer: `depth - 2` prefix tokens route a message (default 4). */
  depth?: number;
  /** Share of a message's unmasked tokens (0–1) its template must equal for it to join (default 0.7). */
  similarity?: number;
  /** Messages after which a cluster's never-varied positions are constants a newcomer must match (default 100). */
  freezeAfter?: number;
  /** Most children of one inner node before new tokens share the `<*>` child (default 100). */
  maxChildren?: number;
  /** Most clusters kept; the least recently matched is evicted beyond it (default 50,000). */
  maxClusters?: number;
}

/** One event template: an id that never changes, its tokens (`<*>` for variables) and its message count. */
export interface LogCluster {
  /** Stable id (see the comment at the top of `drain.ts`). */
  readonly id: string;
  /** Template tokens; positions that varied are `<*>`. */
  readonly tokens: readonly string[];
  /** Messages assigned to it so far. */
  readonly size: number;
}

/**
 * A Drain tree as plain JSON: its clusters least recently matched first, each
 * `[id, template tokens, size, creation order, route]` (route: the prefix keys of its leaf).
 */
export interface DrainSnapshot {
  created: number;
  clusters: [string, string[], number, number, string[]][];
}

/** What `Drain.add` did with one message. */
export interface DrainMatch {
  /** The cluster the message now belongs to. */
  cluster: LogCluster;
  /** True when the message started this cluster. */
  isNew: boolean;
}

interface Cluster extends LogCluster {
  tokens: string[];
  size: number;
  leaf: TreeNode;
  /** Creation order: a leaf lists its clusters in this order. */
  seq: number;
}

interface TreeNode {
  children: Map<string, TreeNode>;
  /** The prefix keys that lead to this node from its length layer. */
  route: string[];
  clusters: Cluster[];
  /** Per token position, the leaf's clusters whose template holds a given token there (not `<*>`). */
  postings: Map<string, Set<Cluster>>[];
}

/** Leaves with more clusters than this look candidates up in their postings instead of scanning all. */
const SCAN_CLUSTERS = 32;
const NO_CLUSTERS: ReadonlySet<Cluster> = new Set();

const DIGIT = /\d/;

/** A streaming Drain parser (algorithm in the comment at the top of this file). */
export class Drain {
  readonly #prefixDepth: number;
  readonly #similarity: number;
  readonly #freezeAfter: number;
  readonly #maxChildren: number;
  readonly #maxClusters: number;
  readonly #root = new Map<number, TreeNode>();
  /** Every live cluster by id, least recently matched first. */
  readonly #byId = new Map<string, Cluster>();
  #created = 0;

  constructor(options: DrainOptions = {}) {
    this.#prefixDepth = Math.max(0, (options.depth ?? 4) - 2);
    this.#similarity = options.similarity ?? 0.7;
    this.#freezeAfter = options.freezeAfter ?? 100;
    this.#maxChildren = options.maxChildren ?? 100;
    this.#maxClusters = options.maxClusters ?? 50_000;
  }

  /** Assigns one masked, tokenised message to a cluster, creating or generalising it as needed. */
  add(tokens: readonly string[]): DrainMatch {
    const leaf = this.#leaf(tokens);
    const best = this.#bestMatch(leaf, tokens);
    if (best) {
      const t = best.tokens;
      for (let i = 0; i < t.length; i++)
        if (t[i] !== tokens[i] && t[i] !== WILDCARD) {
          leaf.postings[i]!.get(t[i]!)!.delete(best);
          t[i] = WILDCARD;
        }
      best.size++;
      this.#byId.delete(best.id);
      this.#byId.set(best.id, best);
      return { cluster: best, isNew: false };
    }
    const cluster: Cluster = { id: this.#newId(tokens), tokens: [...tokens], size: 1, leaf, seq: this.#created++ };
    this.#file(cluster);
    if (this.#byId.size > this.#maxClusters) this.#evictOldest();
    return { cluster, isNew: true };
  }

  /** The live cluster with this id, if it was not evicted. */
  get(id: string): LogCluster | undefined {
    return this.#byId.get(id);
  }

  /** All live clusters, least recently matched first. */
  clusters(): LogCluster[] {
    return [...this.#byId.values()];
  }

  /** The tree as plain JSON (see `DrainSnapshot`). */
  snapshot(): DrainSnapshot {
    return {
      created: this.#created,
      clusters: [...this.#byId.values()].map((c) => [c.id, [...c.tokens], c.size, c.seq, [...c.leaf.route]]),
    };
  }

  /** Rebuilds an empty tree from `snapshot` (throws a RangeError on a tree that is not empty or a malformed snapshot). */
  restore(snapshot: DrainSnapshot): void {
    if (this.#byId.size > 0) throw new RangeError("restore needs an empty Drain tree");
    if (!Number.isInteger(snapshot?.created) || !Array.isArray(snapshot.clusters))
      throw new RangeError("not a Drain snapshot");
    const leaves = new Set<TreeNode>();
    for (const [id, tokens, size, seq, route] of snapshot.clusters.slice(-this.#maxClusters)) {
      if (typeof id !== "string" || !Array.isArray(tokens) || !Array.isArray(route) || !Number.isInteger(seq))
        throw new RangeError("not a Drain snapshot: malformed cluster");
      let leaf = childOf(this.#root, tokens.length);
      for (const key of route) leaf = childOf(leaf.children, String(key), leaf);
      const cluster: Cluster = { id, tokens: [...tokens], size, leaf, seq };
      this.#file(cluster);
      leaves.add(leaf);
    }
    for (const leaf of leaves) leaf.clusters.sort((a, b) => a.seq - b.seq);
    this.#created = snapshot.created;
  }

  #leaf(tokens: readonly string[]): TreeNode {
    let node = childOf(this.#root, tokens.length);
    const depth = Math.min(this.#prefixDepth, tokens.length);
    for (let i = 0; i < depth; i++) {
      const token = tokens[i]!;
      let key = token.includes(WILDCARD) || DIGIT.test(token) ? WILDCARD : token;
      if (key !== WILDCARD && !node.children.has(key) && node.children.size >= this.#maxChildren - 1) key = WILDCARD;
      node = childOf(node.children, key, node);
    }
    return node;
  }

  /** Files a new cluster in its leaf (list and postings) and as the most recently matched. */
  #file(cluster: Cluster): void {
    const leaf = cluster.leaf;
    leaf.clusters.push(cluster);
    cluster.tokens.forEach((token, i) => {
      if (token === WILDCARD) return;
      leaf.postings[i] ??= new Map();
      const holders = leaf.postings[i]!.get(token);
      if (holders) holders.add(cluster);
      else leaf.postings[i]!.set(token, new Set([cluster]));
    });
    this.#byId.set(cluster.id, cluster);
  }

  /**
   * The first cluster with the most equal tokens, if its similarity reaches the threshold. Every
   * cluster is compared on the same unmasked positions of the message, so similarity orders
   * clusters as the count of equal tokens does; a cluster is left as soon as its mismatches show
   * it can no longer reach the threshold nor beat the best so far (most leave after a few tokens).
   */
  #bestMatch(leaf: TreeNode, tokens: readonly string[]): Cluster | undefined {
    const clusters = leaf.clusters;
    const n = tokens.length;
    let known = 0;
    for (let i = 0; i < n; i++) if (tokens[i] !== WILDCARD) known++;
    if (known === 0) return this.#similarity <= 1 ? clusters[0] : undefined; // all agree: the first
    let need = 0;
    while (need <= known && need / known < this.#similarity) need++;
    if (need > known) return undefined;
    let best: Cluster | undefined;
    for (const c of clusters.length > SCAN_CLUSTERS ? candidates(leaf, tokens, known - need + 1) : clusters) {
      if (need > known) break;
      const t = c.tokens;
      const frozen = c.size >= this.#freezeAfter;
      const allowed = known - need;
      let missed = 0;
      let rejected = false;
      for (let i = 0; i < n && missed <= allowed; i++) {
        const token = tokens[i];
        if (token === WILDCARD || t[i] === token) continue;
        missed++;
        if (frozen && !t[i]!.includes(WILDCARD)) {
          rejected = true;
          break;
        }
      }
      if (rejected || missed > allowed) continue;
      best = c;
      need = known - missed + 1;
    }
    return best;
  }

  #newId(tokens: readonly string[]): string {
    const base = fnv1a(tokens.join(" "));
    let id = base;
    for (let i = 2; this.#byId.has(id); i++) id = `${base}-${i}`;
    return id;
  }

  #evictOldest(): void {
    const oldest = this.#byId.values().next().value;
    if (!oldest) return;
    this.#byId.delete(oldest.id);
    const leaf = oldest.leaf;
    leaf.clusters.splice(leaf.clusters.indexOf(oldest), 1);
    oldest.tokens.forEach((token, i) => {
      if (token !== WILDCARD) leaf.postings[i]!.get(token)!.delete(oldest);
    });
  }
}

/**
 * The clusters of a leaf, in the leaf's order, that equal the message on at least one of its
 * `positions` unmasked positions with the fewest holders. Only they can join: a cluster that differs
 * from the message on at most `positions` - 1 unmasked positions equals it on one of any
 * `positions` of them (pigeonhole).
 */
function candidates(leaf: TreeNode, tokens: readonly string[], positions: number): Cluster[] {
  const lists: ReadonlySet<Cluster>[] = [];
  tokens.forEach((token, i) => {
    if (token !== WILDCARD) lists.push(leaf.postings[i]?.get(token) ?? NO_CLUSTERS);
  });
  lists.sort((a, b) => a.size - b.size);
  const found = new Set<Cluster>();
  for (const list of lists.slice(0, positions)) for (const c of list) found.add(c);
  return [...found].sort((a, b) => a.seq - b.seq);
}

/** The child under `key` (of `parent`, or a length layer's without one), created empty when missing. */
function childOf<K>(children: Map<K, TreeNode>, key: K, parent?: TreeNode): TreeNode {
  let child = children.get(key);
  if (!child) {
    child = { children: new Map(), route: parent ? [...parent.route, String(key)] : [], clusters: [], postings: [] };
    children.set(key, child);
  }
  return child;
}

/** 32-bit FNV-1a of a string's UTF-16 code units, as 8 hex digits. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
