// The styles of a screen loaded on demand travel with its chunk, not in app.css (the player's first
// load): its module imports its stylesheet as text (esbuild's `with { type: 'text' }`) and adds it
// to the page once, when the chunk first runs.
const added = new Set<string>();

export function addStyles(css: string): void {
  if (added.has(css)) return;
  added.add(css);
  const style = document.createElement('style');
  style.textContent = css;
  document.head.append(style);
}
