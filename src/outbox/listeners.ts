/** Removes a listener. */
export interface ListenerHandle {
  dispose(): void;
}

/**
 * A minimal event emitter for the `vscode`-free core. A listener that throws does not stop the
 * others.
 */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): ListenerHandle {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // A failing listener must not break the outbox; listeners report their own errors.
      }
    }
  }
}
