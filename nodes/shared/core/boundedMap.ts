/** The one bounded cache: n8n is long-running, so what a process remembers is capped, oldest entry out first. */
export class BoundedMap<K, V> extends Map<K, V> {
	constructor(private readonly limit: number) {
		super();
	}

	override set(key: K, value: V): this {
		if (!this.has(key) && this.size >= this.limit) {
			const oldest = this.keys().next();
			if (!oldest.done) this.delete(oldest.value);
		}
		return super.set(key, value);
	}
}
