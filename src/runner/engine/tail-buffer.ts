/**
 * The last lines of a step's output once it is past its stored-line cap: a ring of at most
 * `maxLines` lines and `maxChars` characters; older lines fall out (and are counted as dropped).
 */
export class TailBuffer<T extends { line: string }> {
  private readonly ring: (T | undefined)[];
  private start = 0;
  private size = 0;
  private chars = 0;
  /** Lines that fell out of the buffer. */
  dropped = 0;
  /** Characters (plus one per newline) of the lines that fell out. */
  droppedChars = 0;

  constructor(
    private readonly maxLines: number,
    private readonly maxChars: number,
  ) {
    this.ring = new Array(maxLines);
  }

  /** Adds a line, dropping the oldest while over either bound. */
  push(item: T): void {
    if (this.maxLines === 0) {
      this.drop(item);
      return;
    }
    if (this.size === this.maxLines) this.shift();
    this.ring[(this.start + this.size) % this.maxLines] = item;
    this.size++;
    this.chars += item.line.length + 1;
    while (this.chars > this.maxChars && this.size > 0) this.shift();
  }

  /** The buffered lines, oldest first, emptying the buffer. */
  drain(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.ring[(this.start + i) % this.maxLines] as T);
    this.ring.fill(undefined);
    this.start = 0;
    this.size = 0;
    this.chars = 0;
    return out;
  }

  private shift(): void {
    const item = this.ring[this.start] as T;
    this.ring[this.start] = undefined;
    this.start = (this.start + 1) % this.maxLines;
    this.size--;
    this.chars -= item.line.length + 1;
    this.drop(item);
  }

  private drop(item: T): void {
    this.dropped++;
    this.droppedChars += item.line.length + 1;
  }
}
