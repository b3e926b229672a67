import type { UiAsset } from '../api';

/**
 * The console UI's static files, keyed by URL path (`'/'` is the page; `'/assets/<name>'` the rest).
 * Placeholder until the browser UI lands: it replaces this file with the real assets (same export).
 */
export const UI_ASSETS: Readonly<Record<string, UiAsset>> = {
  '/': {
    contentType: 'text/html; charset=utf-8',
    body: '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>txcenter 运维控制台</title></head><body><h1>txcenter 运维控制台 / operations console</h1><p>界面尚未构建。JSON API: <a href="/api/overview">/api/overview</a></p><p>The UI is not built yet; the JSON API is under /api/.</p></body></html>',
  },
};
