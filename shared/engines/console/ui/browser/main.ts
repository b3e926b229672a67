/**
 * The console UI's browser entry (bundled to `/assets/app.<hash>.js` by scripts/buildConsoleUi.ts):
 * wires {@link ConsoleApp} to the page's hash, storage and DOM.
 */
import { ConsoleApi } from '../apiClient';
import { ConsoleApp } from '../app';
import { render } from './mount';

const LANG_KEY = 'txc-console-lang';
const root = document.getElementById('app') ?? document.body;

const app = new ConsoleApp({
  api: new ConsoleApi((url, init) => fetch(url, init)),
  getHash: () => location.hash,
  setHash: (hash) => {
    location.hash = hash;
  },
  loadLang: () => {
    try {
      return localStorage.getItem(LANG_KEY);
    } catch {
      return null; // storage disabled: the default language
    }
  },
  saveLang: (lang) => {
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {
      // storage disabled: the choice lasts until the page reloads
    }
  },
  draw: (node, title, lang) => {
    root.replaceChildren(render(node));
    document.title = title;
    document.documentElement.lang = lang;
    root.querySelector<HTMLElement>('[autofocus]')?.focus();
  },
});

addEventListener('hashchange', () => void app.navigate());
void app.start();
