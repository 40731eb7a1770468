/**
 * The real-time timer the engine takes as an injected option (it never reads the wall clock
 * itself): with it, a request body that never finishes arriving is given up after the engine's
 * body timeout instead of holding every later request in the queue.
 */
export function realTimer(callback: () => void, ms: number): () => void {
  const id = setTimeout(callback, ms);
  return () => clearTimeout(id);
}
