// Entry point of the browser bundle (client/build.ts).
import { render } from 'preact';
import { App } from './app.tsx';
import './styles.css';

const root = document.getElementById('app')!;
// Preact 11 renders next to existing children: clear the "Loading…" placeholder first.
root.textContent = '';
render(<App />, root);
