/**
 * A first-in first-out list with O(1) push and shift and no allocation once it has grown to
 * its working size: a circular buffer that doubles when full. `Array#shift` moves every
 * element, and emptying an array gives its storage back; the scheduler's rings turn once per
 * attempt and are often emptied and refilled.
 */
export class Fifo<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(8);
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & (this.items.length - 1)] = item;
    this.size++;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.size--;
    return item;
  }

  clear(): void {
    this.items = new Array<T | undefined>(8);
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.items.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.items[(this.head + i) & (this.items.length - 1)];
    this.items = next;
    this.head = 0;
  }
}
